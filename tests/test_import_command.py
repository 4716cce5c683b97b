"""manage.py import_listings: summary, JSON report with every row error, exit status, mapping."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from geo.models import Location
from importers.models import ImportSource
from tests.importing import listing, nameless, three_listings, write_csv

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_listings", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.usefixtures("fake_nominatim")
def test_the_json_report_has_the_counts_and_every_row_error(tmp_path):
    rows = [*three_listings(), nameless("8"), listing("9", "Χ", **{"ΤΚ": "999"})]
    path = write_csv(tmp_path / "listings.csv", rows)
    out, err = _run(str(path), "--source", "network", "--report", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert (report["rows"], report["new"], report["rows_with_errors"]) == (5, 3, 2)
    assert {e["row"] for e in report["row_errors"] if e["severity"] == "error"} == {5, 6}
    assert all(set(e) >= {"row", "column", "value", "reason"} for e in report["row_errors"])
    assert report["sha256"] and report["mapping"]
    assert "new listings" in out and "row 5" in out and "row 6" in out
    assert "read" in err  # the progress bar, on stderr
    assert Location.objects.filter(source="network").count() == 3


@pytest.mark.django_db
def test_a_dry_run_on_the_command_line_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "listings.csv", three_listings())
    out, _ = _run(
        str(path), "--source", "network", "--dry-run", "--report", str(tmp_path / "r.json")
    )
    assert "DRY RUN" in out
    assert json.loads((tmp_path / "r.json").read_text())["new"] == 3
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_an_explicit_mapping_is_used_and_saved(tmp_path):
    headers = ["Ποιοι είμαστε", "Διεύθυνση", "ΤΚ", "Γεωγρ. πλάτος", "Γεωγρ. μήκος"]
    row = {
        "Ποιοι είμαστε": "Στέκι",
        "Διεύθυνση": "Ζαΐμη 2",
        "ΤΚ": "10683",
        "Γεωγρ. πλάτος": "37.99",
        "Γεωγρ. μήκος": "23.73",
    }
    path = write_csv(tmp_path / "odd.csv", [row], headers=headers)
    from importers.columns import map_columns

    field = next(iter(map_columns(["Επωνυμία"]).to_dict()))
    _run(str(path), "--source", "odd", "--mapping", f"{field}=Ποιοι είμαστε")
    assert Location.objects.get(source="odd").organisation.name == "Στέκι"
    assert ImportSource.objects.get(name="odd").mapping[field] == "Ποιοι είμαστε"


def test_a_bad_mapping_is_refused():
    with pytest.raises(CommandError, match="field=Header"):
        _run("whatever.csv", "--mapping", "name")


@pytest.mark.django_db
def test_an_unreadable_file_is_a_command_error(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError):
        _run(str(path), "--source", "network")


def test_the_exit_status_is_non_zero_for_a_missing_file_and_documented(tmp_path):
    missing = subprocess.run(
        [sys.executable, "manage.py", "import_listings", str(tmp_path / "nope.csv")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 1 and "nope.csv" in missing.stderr
    helped = subprocess.run(
        [sys.executable, "manage.py", "import_listings", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert helped.returncode == 0
    assert "Exit status" in helped.stdout and "--all-or-nothing" in helped.stdout
