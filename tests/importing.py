"""Writing small listing spreadsheets for the import tests."""

import csv
from pathlib import Path

HEADERS = [
    "Κωδικός",
    "Επωνυμία",
    "Υπηρεσία",
    "Διεύθυνση",
    "ΤΚ",
    "Περιοχή",
    "Τηλέφωνο",
    "Κατηγορία",
    "Γεωγρ. πλάτος",
    "Γεωγρ. μήκος",
]


def listing(ref: str = "", name: str = "Κοινωνικό Ιατρείο Εξαρχείων", **cells: str) -> dict:
    """One row; coordinates default to Πλατεία Εξαρχείων."""
    row = {
        "Κωδικός": ref,
        "Επωνυμία": name,
        "Υπηρεσία": "Ιατρείο",
        "Διεύθυνση": "Θεμιστοκλέους 80",
        "ΤΚ": "10681",
        "Περιοχή": "Αθήνα",
        "Τηλέφωνο": "2103801234",
        "Κατηγορία": "health",
        "Γεωγρ. πλάτος": "37.9864",
        "Γεωγρ. μήκος": "23.7355",
    }
    row.update(cells)
    return row


def write_csv(path: Path, rows: list[dict], *, headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=headers, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


def three_listings() -> list[dict]:
    return [
        listing("1"),
        listing(
            "2",
            "Αλληλέγγυα Κουζίνα Κυψέλης",
            **{
                "Υπηρεσία": "Συσσίτιο",
                "Διεύθυνση": "Φωκίωνος Νέγρη 10",
                "ΤΚ": "11361",
                "Περιοχή": "Κυψέλη",
                "Κατηγορία": "food",
                "Γεωγρ. πλάτος": "37.9990",
                "Γεωγρ. μήκος": "23.7410",
            },
        ),
        listing(
            "3",
            "Στέκι Μεταναστών Νέας Σμύρνης",
            **{
                "Υπηρεσία": "Μαθήματα ελληνικών",
                "Διεύθυνση": "Ομήρου 20",
                "ΤΚ": "17121",
                "Περιοχή": "Νέα Σμύρνη",
                "Κατηγορία": "education",
                "Γεωγρ. πλάτος": "37.9450",
                "Γεωγρ. μήκος": "23.7140",
            },
        ),
    ]


def nameless(ref: str, **cells: str) -> dict:
    """A row with no name, organisation or service: an error, so it is not imported."""
    return listing(ref, "", **{"Υπηρεσία": "", **cells})
