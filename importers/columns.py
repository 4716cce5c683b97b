"""Which column of a file holds which field (stand-in until importers-read lands)."""

from dataclasses import dataclass, field

SYNONYMS = {
    "ref": ["id", "κωδικός", "κωδ", "ref"],
    "organisation": ["organisation", "organization", "φορέας", "επωνυμία", "όνομα", "name"],
    "service": ["service", "υπηρεσία", "δομή"],
    "address": ["address", "διεύθυνση", "οδός"],
    "postcode": ["postcode", "τκ", "τ.κ.", "ταχ. κώδικας"],
    "locality": ["locality", "περιοχή", "πόλη", "area", "city"],
    "phone": ["phone", "τηλέφωνο", "τηλ."],
    "email": ["email", "e-mail"],
    "website": ["website", "url", "ιστοσελίδα"],
    "category": ["category", "κατηγορία"],
    "lat": ["lat", "latitude", "γεωγρ. πλάτος"],
    "lon": ["lon", "lng", "longitude", "γεωγρ. μήκος"],
    "hours": ["hours", "ωράριο"],
    "description": ["description", "περιγραφή"],
}


@dataclass
class ColumnMapping:
    """field name → index of the column in the row."""

    columns: dict[str, int] = field(default_factory=dict)
    headers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, str]:
        return {name: self.headers[i] for name, i in self.columns.items()}

    @classmethod
    def from_dict(cls, data: dict[str, str], headers: list[str]) -> "ColumnMapping":
        return map_columns(headers, explicit=data)


def map_columns(headers: list[str], *, explicit: dict[str, str] | None = None) -> ColumnMapping:
    folded = [h.strip().casefold() for h in headers]
    columns: dict[str, int] = {}
    for name, header in (explicit or {}).items():
        if header.strip().casefold() in folded:
            columns[name] = folded.index(header.strip().casefold())
    for name, words in SYNONYMS.items():
        if name not in columns:
            for i, h in enumerate(folded):
                if h in {w.casefold() for w in words} and i not in columns.values():
                    columns[name] = i
                    break
    return ColumnMapping(columns, list(headers))
