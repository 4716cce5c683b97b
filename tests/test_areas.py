"""The boundary loader: real files, repaired geometry, parents by containment, bad input."""

import json

import pytest
from django.core.management import CommandError, call_command

from geo.areas import SOURCES, AreaDataError, AreaSource, load_areas
from geo.models import Area

pytestmark = pytest.mark.django_db


def ancestors(area: Area) -> list[str]:
    out = []
    while area.parent_id:
        area = area.parent
        out.append(area.name)
    return out


def test_all_levels_are_loaded_from_the_public_files():
    counts = {lvl: Area.objects.filter(level=lvl).count() for lvl in Area.LEVEL_RANK}
    assert counts["region"] == 13  # dissolved from their regional units
    assert counts["regional_unit"] == 74
    assert counts["municipality"] == 325
    assert counts["neighbourhood"] == 45
    assert counts["municipal_unit"] == 27  # the basin's units of divided municipalities


def test_kypseli_lies_in_athens_which_lies_in_central_athens(areas):
    kypseli = areas["kypseli"]
    assert kypseli.level == "neighbourhood"
    assert kypseli.parent.name == "Δήμος Αθηναίων"
    assert kypseli.parent.parent.name == "Π.Ε. Κεντρικού Τομέα Αθηνών"
    assert ancestors(kypseli)[-1] == "Περιφέρεια Αττικής"
    assert ancestors(areas["dimos-volou"]) == ["Π.Ε. Μαγνησίας", "Περιφέρεια Θεσσαλίας"]


def test_every_regional_unit_belongs_to_a_region():
    units = Area.objects.filter(level="regional_unit")
    assert units.count() == 74
    assert not units.exclude(parent__level="region").exists()


def test_attica_municipalities_use_the_full_resolution_boundary(areas):
    athens = areas["dimos-athinaion"]
    assert athens.source == "boundaries/attica_municipalities_kallikratis.geojson"
    assert athens.boundary.num_coords > 500  # the simplified national file has 66


def test_invalid_geometry_is_repaired():
    milos = Area.objects.get(level="municipality", name="Δήμος Μήλου")
    assert milos.boundary.valid
    assert not Area.objects.extra(where=["NOT ST_IsValid(boundary)"]).exists()


def test_centroid_lies_inside_the_area():
    outside = Area.objects.extra(where=["NOT ST_Intersects(boundary, centroid)"])
    assert not outside.exists()


def test_loading_again_changes_nothing(geodata):
    before = {a.slug: (a.name, a.parent_id, a.boundary.wkb) for a in Area.objects.all()}
    report = load_areas(geodata)
    after = {a.slug: (a.name, a.parent_id, a.boundary.wkb) for a in Area.objects.all()}
    assert before == after
    assert not report.created and not report.updated
    assert sum(report.unchanged.values()) == Area.objects.count()


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return name


def _neighbourhoods(name: str) -> list[AreaSource]:
    base = SOURCES[-1]
    return [AreaSource(name, base.level, base.title, base.licence, base.attribution, base.origin)]


def _square(x=23.7, y=37.9, d=0.01):
    return {
        "type": "MultiPolygon",
        "coordinates": [[[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]]],
    }


def test_bad_files_give_one_line_each_and_leave_the_database_as_it_was(tmp_path):
    before = Area.objects.count()
    good = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"neighbourhood": "ΝΕΑ ΓΕΙΤΟΝΙΑ"},
                "geometry": _square(),
            }
        ],
    }
    sources = (
        _neighbourhoods(_write(tmp_path, "good.geojson", good))
        + _neighbourhoods("missing.geojson")
        + _neighbourhoods(_write(tmp_path, "notjson.geojson", "<html>not found</html>"))
        + _neighbourhoods(
            _write(
                tmp_path,
                "crs.geojson",
                {
                    "type": "FeatureCollection",
                    "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2100"}},
                    "features": good["features"],
                },
            )
        )
        + _neighbourhoods(
            _write(
                tmp_path,
                "projected.geojson",
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"neighbourhood": "X"},
                            "geometry": _square(476000, 4205000, 100),
                        }
                    ],
                },
            )
        )
        + _neighbourhoods(
            _write(
                tmp_path,
                "broken.geojson",
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"neighbourhood": "Y"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [[[23.7, 37.9], [23.8, 37.9]]],
                            },
                        }
                    ],
                },
            )
        )
    )
    with pytest.raises(AreaDataError) as exc:
        load_areas(tmp_path, sources=sources)
    problems = exc.value.problems
    assert len(problems) == 5, problems
    assert "missing.geojson: file not found" in problems[0]
    assert "notjson.geojson: not a GeoJSON file" in problems[1]
    assert "crs.geojson: coordinates are in urn:ogc:def:crs:EPSG::2100" in problems[2]
    assert "projected.geojson: feature 1 (X): coordinates out of lon/lat range" in problems[3]
    assert "broken.geojson: feature 1 (Y): unreadable geometry" in problems[4]
    assert Area.objects.count() == before
    assert not Area.objects.filter(name="ΝΕΑ ΓΕΙΤΟΝΙΑ").exists()


def test_self_intersecting_polygon_is_repaired_not_refused(tmp_path):
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[23.70, 37.90], [23.72, 37.92], [23.72, 37.90], [23.70, 37.92], [23.70, 37.90]]
        ],
    }
    name = _write(
        tmp_path,
        "bowtie.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"neighbourhood": "ΠΑΠΙΓΙΟΝ"}, "geometry": bowtie}
            ],
        },
    )
    report = load_areas(tmp_path, sources=_neighbourhoods(name))
    assert report.repaired == 1
    assert Area.objects.get(name="ΠΑΠΙΓΙΟΝ").boundary.valid


def test_command_reports_problems_and_fails(tmp_path, capsys):
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_areas", "--from", str(tmp_path))
    assert "file not found" in capsys.readouterr().err


def test_area_parts_follow_an_edited_boundary(db):
    """geo_area_part (what imports and assign_areas look points up in) is kept by a trigger."""
    from django.contrib.gis.geos import MultiPolygon, Point, Polygon
    from django.db import connection

    from geo.areas import assign_areas
    from geo.models import Location, Organisation

    kypseli = Area.objects.get(slug="kypseli")
    org = Organisation.objects.create(slug="t", name="t")
    far = Point(21.7, 38.25, srid=4326)  # Patras, far from Kypseli
    loc = Location.objects.create(organisation=org, name="x", point=far, precision="exact")
    assign_areas([loc.id])
    loc.refresh_from_db()
    assert loc.area != kypseli

    # a coordinator redraws Kypseli around Patras (absurd, but it proves the parts follow)
    kypseli.boundary = MultiPolygon(Polygon.from_bbox((21.6, 38.2, 21.8, 38.3)), srid=4326)
    kypseli.save()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM geo_area_part WHERE area_id = %s", [kypseli.id])
        assert cur.fetchone()[0] == 1
    assign_areas([loc.id])
    loc.refresh_from_db()
    assert loc.area == kypseli

    kypseli.delete()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM geo_area_part WHERE area_id = %s", [kypseli.id])
        assert cur.fetchone()[0] == 0


def test_a_location_moved_out_of_every_area_keeps_none(db):
    from django.contrib.gis.geos import Point

    from geo.areas import assign_areas
    from geo.models import Location, Organisation

    org = Organisation.objects.create(slug="t", name="t")
    loc = Location.objects.create(
        organisation=org, name="x", point=Point(23.741, 37.999, srid=4326), precision="exact"
    )
    assign_areas([loc.id])
    loc.refresh_from_db()
    assert loc.area.slug == "kypseli"

    loc.point = Point(20.0, 36.0, srid=4326)  # the Ionian Sea, in no area
    loc.save()
    assign_areas([loc.id])
    loc.refresh_from_db()
    assert loc.area is None
