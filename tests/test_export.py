"""Exports: formula injection neutralised, public points only, no street address unless exact."""

import csv
import io

import pytest
from django.contrib.gis.geos import Point
from django.core.management import call_command
from openpyxl import load_workbook

from geo.models import Location
from importers.export import HEADERS, neutralise, write_csv, write_xlsx
from tests.factories import LocationFactory, OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ['=HYPERLINK("http://evil")', "+30 210 1234567", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_cells_that_could_start_a_formula_get_a_leading_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Κοινωνικό Ιατρείο", "a=b", "", 37.98, 5])
def test_other_cells_are_left_alone(value):
    assert neutralise(value) == value


def _dangerous_location() -> Location:
    organisation = OrganisationFactory(name='=HYPERLINK("http://evil","Κλικ")')
    location = LocationFactory(
        organisation=organisation,
        address="@SUM(1+1)",
        phones=["+302101234567"],
        locality="-Αθήνα",
        opening_hours_text="\tΔευτέρα",
        source_ref="=1+1",
    )
    ServiceFactory(organisation=organisation, name="\rΣυσσίτιο", locations=[location])
    return location


def _by_header(row: list) -> dict:
    return dict(zip(HEADERS, row, strict=True))


def test_csv_export_neutralises_formula_injection():
    _dangerous_location()
    out = io.StringIO()
    assert write_csv(out) == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue())))
    assert header == HEADERS
    cells = _by_header(row)
    assert cells["Επωνυμία"] == '\'=HYPERLINK("http://evil","Κλικ")'
    assert cells["Διεύθυνση"] == "'@SUM(1+1)"
    assert cells["Τηλέφωνο"] == "'+302101234567"
    assert cells["Περιοχή"] == "'-Αθήνα"
    assert cells["Ωράριο"] == "'\tΔευτέρα"
    assert cells["Κωδικός"] == "'=1+1"
    assert cells["Υπηρεσία"] == "'\rΣυσσίτιο"
    assert cells["Κατηγορία"] == "health"


def test_xlsx_export_has_no_formulas(tmp_path):
    _dangerous_location()
    path = tmp_path / "listings.xlsx"
    with path.open("wb") as f:
        assert write_xlsx(f) == 1
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == HEADERS
    assert all(c.data_type != "f" for c in rows[1])
    cells = _by_header([c.value for c in rows[1]])
    assert cells["Επωνυμία"].startswith("'=HYPERLINK")
    assert cells["Γεωγρ. πλάτος"] == pytest.approx(37.9864)


def test_exports_show_public_points_and_hide_addresses_of_non_exact_locations(areas):
    exact = LocationFactory(address="Θεμιστοκλέους 80", source_ref="exact")
    street = LocationFactory(
        address="Καλλιδρομίου 5",
        precision=Location.Precision.STREET,
        source_ref="street",
        point=Point(23.73812, 37.98765, srid=4326),
    )
    area = LocationFactory(
        address="Φωκίωνος Νέγρη 1",
        precision=Location.Precision.AREA,
        source_ref="area",
        area=areas["kypseli"],
        point=Point(23.741, 37.999, srid=4326),
    )
    LocationFactory(address="Κρυφή 1", precision=Location.Precision.HIDDEN, source_ref="hidden")
    out = io.StringIO()
    assert write_csv(out) == 3
    rows = {r["Κωδικός"]: r for r in csv.DictReader(io.StringIO(out.getvalue()))}
    assert set(rows) == {"exact", "street", "area"}
    assert rows["exact"]["Διεύθυνση"] == "Θεμιστοκλέους 80"
    assert rows["street"]["Διεύθυνση"] == "" and rows["area"]["Διεύθυνση"] == ""
    assert "Κρυφή" not in out.getvalue()
    for location in (exact, street, area):
        location.refresh_from_db()
        row = rows[location.source_ref]
        public = location.public_point
        assert (float(row["Γεωγρ. μήκος"]), float(row["Γεωγρ. πλάτος"])) == pytest.approx(
            (public.x, public.y)
        )
    # the snapped and centroid positions are not the exact ones
    assert float(rows["street"]["Γεωγρ. μήκος"]) != pytest.approx(23.73812, abs=1e-6)
    assert float(rows["area"]["Γεωγρ. μήκος"]) == pytest.approx(areas["kypseli"].centroid.x)


def test_export_command_writes_csv_and_xlsx_for_one_source(tmp_path):
    LocationFactory(source="δίκτυο", source_ref="1")
    LocationFactory(source="άλλο", source_ref="2")
    call_command("export_listings", str(tmp_path / "out.csv"), "--source", "δίκτυο")
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Κωδικός"] for r in rows] == ["1"]
    call_command("export_listings", str(tmp_path / "out.xlsx"))
    assert load_workbook(tmp_path / "out.xlsx").active.max_row == 3
