"""The benchmark package imports, and its generator writes sound synthetic data (no timings)."""

import pytest
from django.db import connection

from benchmarks import api, sql, synthetic
from benchmarks.config import load_config
from geo.models import Location, Service


def test_quick_config_is_small(monkeypatch):
    monkeypatch.setenv("BENCH_QUICK", "1")
    monkeypatch.delenv("BENCH_N", raising=False)
    config = load_config()
    assert config.n == 20_000 and config.clients == 4
    assert config.db_name != "geitonia"


@pytest.mark.django_db
def test_generator_writes_located_public_locations(geodata):
    connection.ensure_connection()
    generated = synthetic.generate(300, conn=connection.connection, data_dir=geodata, seed=7)

    assert generated.locations == 300
    bench = Location.objects.filter(source=synthetic.SOURCE)
    assert bench.count() == 300
    # every point lies inside the municipality it was drawn for
    with connection.cursor() as cur:
        cur.execute(
            """SELECT count(*) FROM geo_location l JOIN geo_area a ON a.id = l.municipality_id
                WHERE l.source = %s AND ST_Intersects(a.boundary, l.point)""",
            [synthetic.SOURCE],
        )
        assert cur.fetchone()[0] == 300
    # the privacy trigger ran on COPY: hidden ones have no public point, the others have one
    assert not bench.filter(precision="hidden", public_point__isnull=False).exists()
    assert not bench.exclude(precision="hidden").filter(public_point__isnull=True).exists()
    assert bench.filter(precision="exact").count() > bench.exclude(precision="exact").count()
    services = Service.objects.filter(source=synthetic.SOURCE)
    assert services.count() >= 300
    assert all("el" in s.languages for s in services[:50])
    assert not services.filter(categories__isnull=True).exists()


@pytest.mark.django_db
def test_floor_sql_runs_for_every_shape(geodata):
    connection.ensure_connection()
    synthetic.generate(200, conn=connection.connection, data_dir=geodata, seed=8)
    lon, lat = (
        Location.objects.filter(source=synthetic.SOURCE)
        .exclude(precision="hidden")
        .values_list("public_point", flat=True)[0]
        .coords
    )
    x, y = api.tile_of(lon, lat, 12)
    requests = {
        "nearest": {"lon": lon, "lat": lat, "limit": 10},
        "bbox": {
            "minlon": lon - 1,
            "minlat": lat - 1,
            "maxlon": lon + 1,
            "maxlat": lat + 1,
            "limit": 5000,
        },
        "tile": {"z": 12, "x": x, "y": y},
    }
    for kind, request in requests.items():
        query, params, _source = sql.query_for(kind, request)
        with connection.cursor() as cur:
            cur.execute(query, params)
            body = sql.body_of(kind, cur.fetchall())
        assert body, kind
