"""The API benchmark (issue 4, item 7): each request shape through the API, the framework floor,
the database floor and TiPg, single-client p50/p95 and req/s at 4 clients, ratios vs targets.

Every path gets the same requests; each request list is made of distinct requests (so no path is
answered from a cache the others lack), and the cached path is measured on its own.
"""

import contextlib
import json
import math
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg

from benchmarks.config import REPO, Config
from benchmarks.database import conninfo, prepare
from benchmarks.servers import (
    TIPG_COLLECTION,
    TIPG_VIEW_SQL,
    Server,
    ServerFailed,
    gunicorn,
    install_tipg,
    tipg,
)
from benchmarks.sql import BINARY, SOURCES, query_for
from geo.text import transliterate
from layers.tiles import DETAIL_ZOOM

TILE_LAYER = os.environ.get("BENCH_TILE_LAYER", "all")
BBOX_FEATURES = 5000
# A text search's page: the API's default page size.
TEXT_PAGE_LIMIT = 500


@dataclass(frozen=True)
class Shape:
    name: str
    kind: str  # nearest | bbox | tile
    requests: list[dict]  # distinct requests, in order
    single: int
    concurrent: int


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


# --- request pools ------------------------------------------------------------------------------


def _sample_points(conn: psycopg.Connection, k: int, rng: random.Random) -> list[tuple]:
    top = conn.execute("SELECT max(id) FROM geo_location").fetchone()[0] or 0
    ids = rng.sample(range(1, top + 1), min(top, k * 2))
    rows = conn.execute(
        "SELECT ST_X(public_point), ST_Y(public_point) FROM geo_location "
        "WHERE id = ANY(%s) AND public_point IS NOT NULL",
        [ids],
    ).fetchall()
    rng.shuffle(rows)
    return rows[:k]


def _bbox_around(conn: psycopg.Connection, lon: float, lat: float) -> tuple[dict, int]:
    """A box centred on lon/lat holding about BBOX_FEATURES public locations (binary search)."""
    lo, hi = 0.0005, 6.0
    best = None
    for _ in range(14):
        half = math.sqrt(lo * hi)
        box = {
            "minlon": lon - half,
            "minlat": lat - half * 0.8,
            "maxlon": lon + half,
            "maxlat": lat + half * 0.8,
        }
        count = conn.execute(
            "SELECT count(*) FROM geo_location WHERE public_point && "
            "ST_MakeEnvelope(%(minlon)s, %(minlat)s, %(maxlon)s, %(maxlat)s, 4326)",
            box,
        ).fetchone()[0]
        best = (box, count)
        if abs(count - BBOX_FEATURES) <= BBOX_FEATURES * 0.05:
            break
        lo, hi = (half, hi) if count < BBOX_FEATURES else (lo, half)
    return {k: round(v, 5) for k, v in best[0].items()}, best[1]


Z8_CITY_TILES = 6


def build_shapes(dbname: str, config: Config) -> tuple[list[Shape], dict]:
    rng = random.Random(config.seed)
    r, c = config.requests, config.concurrent_requests
    info = {}
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        points = _sample_points(conn, max(r + c + 400, 5000), rng)
        nearest = [
            {
                "lon": round(x + rng.uniform(-0.01, 0.01), 5),
                "lat": round(y + rng.uniform(-0.01, 0.01), 5),
                "limit": 10,
            }
            for x, y in points[: r + c + config.clients]
        ]
        # A few dozen searched boxes; the rest are the same boxes moved by a metre or so, which
        # changes the URL (no response cache can answer) but not what is in them.
        # A 5,000-feature page costs ~100x a nearest-10: fewer of them keep the run bounded.
        bbox_single, bbox_concurrent = max(5, r // 6), max(8, c // 6)
        bases, counts = [], []
        for x, y in points[:20]:
            box, count = _bbox_around(conn, x, y)
            bases.append(box)
            counts.append(count)
        info["bbox_features"] = {"min": min(counts), "max": max(counts)}
        bboxes = []
        for i in range(bbox_single + bbox_concurrent + config.clients):
            shift = (i // len(bases)) * 0.00001
            box = {k: round(v + shift, 5) for k, v in bases[i % len(bases)].items()}
            bboxes.append({**box, "limit": BBOX_FEATURES})
        tiles = {}
        density: dict[tuple[int, int], int] = {}
        for z in (12, 8):
            seen: dict[tuple[int, int], None] = {}
            for x, y in points:
                seen.setdefault(tile_of(x, y, z), None)
                if z == 8:
                    density[tile_of(x, y, z)] = density.get(tile_of(x, y, z), 0) + 1
            tiles[z] = [{"z": z, "x": tx, "y": ty} for tx, ty in seen]
        info["distinct_tiles"] = {f"z{z}": len(v) for z, v in tiles.items()}
        # What someone types: a kind of place and a town, in Greeklish (the organisations'
        # names are "<kind> <municipality in the genitive> <n>").
        names = conn.execute(
            "SELECT DISTINCT regexp_replace(name, ' [0-9]+$', '') FROM geo_organisation"
            " WHERE source = 'bench' ORDER BY 1"
        ).fetchall()
        texts = [transliterate(n) for (n,) in rng.sample(names, min(len(names), r + c + 40))]
        texts = [{"q": t, "limit": TEXT_PAGE_LIMIT} for t in texts]
    # z8: the tiles of the cities (those most sampled points fall in), where a z8 tile is
    # heavy; Greece's ~40 z8 tiles range from 8 KB to 1.6 MB, and a p50 over so mixed a set
    # jumps between tiles of very different cost. Each is asked again with `repeat=<n>`
    # added, which changes the URL (no response cache can answer) but not the tile; the
    # database floor runs the same SQL again, as the others do.
    z8_single = max(5, r // 10)
    z8_concurrent = max(8, c // 10)
    base = sorted(tiles[8], key=lambda t: -density[(t["x"], t["y"])])[:Z8_CITY_TILES]
    info["z8_city_tiles"] = [f"8/{t['x']}/{t['y']}" for t in base]
    want = z8_single + z8_concurrent + config.clients
    tiles[8] = [
        {**base[i % len(base)], "repeat": i // len(base)} for i in range(max(want, len(base)))
    ]
    z12_single = min(r, len(tiles[12]) // 3)

    def distinct(pool: list, single: int, want: int) -> int:
        # never more requests than distinct ones left: a repeat could come from the API's cache
        return max(1, min(want, len(pool) - single - config.clients))

    shapes = [
        Shape("nearest-10", "nearest", nearest, r, c),
        Shape(f"geojson bbox ~{BBOX_FEATURES}", "bbox", bboxes, bbox_single, bbox_concurrent),
        Shape("geojson q (Greeklish)", "text", texts, r, distinct(texts, r, c)),
        Shape("tile z12", "tile", tiles[12], z12_single, distinct(tiles[12], z12_single, c)),
        Shape("tile z8", "tile", tiles[8], z8_single, distinct(tiles[8], z8_single, z8_concurrent)),
    ]
    return shapes, info


# --- URLs per path ------------------------------------------------------------------------------


def api_url(kind: str, q: dict) -> str:
    if kind == "nearest":
        return f"/api/locations/nearest/?point={q['lon']},{q['lat']}&limit={q['limit']}"
    if kind == "bbox":
        return (
            f"/api/locations/?in_bbox={q['minlon']},{q['minlat']},{q['maxlon']},{q['maxlat']}"
            f"&limit={q['limit']}"
        )
    if kind == "text":
        return f"/api/locations/?q={quote(q['q'])}&limit={q['limit']}"
    return f"/tiles/{TILE_LAYER}/{q['z']}/{q['x']}/{q['y']}.pbf{_repeat(q, '?')}"


def _repeat(q: dict, sep: str) -> str:
    """A tile asked again: a query parameter that every server ignores (see build_shapes)."""
    return f"{sep}repeat={q['repeat']}" if q.get("repeat") else ""


def floor_url(kind: str, q: dict) -> str:
    if kind == "nearest":
        return f"/bench-floor/nearest/?point={q['lon']},{q['lat']}&limit={q['limit']}"
    if kind == "bbox":
        return (
            f"/bench-floor/bbox/?in_bbox={q['minlon']},{q['minlat']},{q['maxlon']},{q['maxlat']}"
            f"&limit={q['limit']}"
        )
    if kind == "text":
        return f"/bench-floor/text/?q={quote(q['q'])}&limit={q['limit']}"
    return f"/bench-floor/tile/{q['z']}/{q['x']}/{q['y']}.pbf{_repeat(q, '?')}"


def tipg_url(kind: str, q: dict) -> str | None:
    if kind == "bbox":
        return (
            f"/collections/{TIPG_COLLECTION}/items?bbox={q['minlon']},{q['minlat']},"
            f"{q['maxlon']},{q['maxlat']}&limit={q['limit']}"
        )
    if kind == "tile":
        # Properties like ours at that zoom: an overview tile carries id and precision only.
        properties = "id,name,precision" if q["z"] >= DETAIL_ZOOM else "id,precision"
        return (
            f"/collections/{TIPG_COLLECTION}/tiles/WebMercatorQuad/{q['z']}/{q['x']}/{q['y']}"
            f"?properties={properties}{_repeat(q, '&')}"
        )
    return None  # OGC API Features has no nearest-N


# --- running the load generator -----------------------------------------------------------------


def load(spec: dict) -> dict:
    """Run benchmarks.load in a second process (the client never shares the server's process)."""
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.load"],
        cwd=REPO,
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if out.returncode != 0:
        return {"error_count": -1, "errors": [out.stderr[-2000:]]}
    return json.loads(out.stdout)


def _targets(shape: Shape, dbname: str, server: Server, peer: Server | None) -> tuple[dict, dict]:
    """The paths to measure for a shape, as load specs, and the ones that cannot be (why)."""
    targets: dict = {}
    missing: dict = {}
    queries = []
    for q in shape.requests:
        sql, params, _source = query_for(shape.kind, q)
        queries.append([sql, params])
    targets["database"] = {
        "mode": "sql",
        "conninfo": conninfo(dbname),
        "requests": queries,
        "binary": shape.kind in BINARY,
    }
    targets["framework"] = {
        "mode": "http",
        "port": server.port,
        "requests": [floor_url(shape.kind, q) for q in shape.requests],
    }
    api_urls = [api_url(shape.kind, q) for q in shape.requests]
    status, headers, body = probe(server, api_urls[-1])
    if status == 200:
        targets["api"] = {"mode": "http", "port": server.port, "requests": api_urls}
        targets["api"]["example"] = _describe(shape.kind, headers, body)
    else:
        missing["api"] = f"HTTP {status} from {api_urls[-1]}"
    if peer is None:
        missing["tipg"] = "TiPg is not running (see the tipg entry)"
    elif tipg_url(shape.kind, shape.requests[0]) is None:
        missing["tipg"] = "not offered by OGC API Features/Tiles"
    else:
        urls = [tipg_url(shape.kind, q) for q in shape.requests]
        status, headers, body = probe(peer, urls[-1])
        if status == 200:
            targets["tipg"] = {"mode": "http", "port": peer.port, "requests": urls}
            targets["tipg"]["example"] = _describe(shape.kind, headers, body)
        else:
            missing["tipg"] = f"HTTP {status} from {urls[-1]}: {body[:200]!r}"
    return targets, missing


def measure_shape(shape: Shape, targets: dict, clients: int) -> dict:
    """Single-client latency with the paths interleaved; req/s at `clients` clients per path, in
    two rounds (paths in turn, then in reverse) so drifting load from elsewhere evens out."""
    single = load(
        {
            "targets": {
                name: {
                    **{k: v for k, v in t.items() if k not in ("requests", "example")},
                    "requests": t["requests"][: shape.single],
                    "warmup": t["requests"][-1:],
                }
                for name, t in targets.items()
            }
        }
    )
    out = {name: {"single": single.get(name, single)} for name in targets}
    half = shape.concurrent // 2
    rounds = [(0, half), (half, shape.concurrent)]
    for n, (lo, hi) in enumerate(rounds):
        order = list(targets) if n == 0 else list(reversed(targets))
        for name in order:
            t = targets[name]
            rest = t["requests"][shape.single : -clients]
            items = (rest * (hi // max(len(rest), 1) + 1))[lo:hi]
            spec = {k: v for k, v in t.items() if k not in ("requests", "example")}
            run = load({**spec, "requests": items, "clients": clients,
                        "warmup": t["requests"][-clients:]})  # fmt: skip
            out[name].setdefault("concurrent_rounds", []).append(run)
    for name in targets:
        runs = out[name].pop("concurrent_rounds")
        ok = sum(r.get("ok") or 0 for r in runs)
        seconds = sum(r.get("seconds") or 0 for r in runs)
        out[name]["concurrent"] = {
            "clients": clients,
            "requests": sum(r.get("requests") or 0 for r in runs),
            "ok": ok,
            "seconds": round(seconds, 3),
            "rps": round(ok / seconds, 1) if seconds and ok else None,
            "error_count": sum(abs(r.get("error_count") or 0) for r in runs),
            "errors": [e for r in runs for e in r.get("errors", [])][:10],
            "p50_ms_under_load": runs[0].get("p50_ms"),
        }
        if "example" in targets[name]:
            out[name]["example"] = targets[name]["example"]
    return out


def probe(server: Server, url: str) -> tuple[int, dict[str, str], bytes]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    conn.request("GET", url)
    resp = conn.getresponse()
    body = resp.read()
    headers = {k.lower(): v for k, v in resp.getheaders()}
    conn.close()
    return resp.status, headers, body


def _prewarm(dbname: str) -> None:
    """Load the tables and indexes into shared buffers so no path pays for the first read."""
    with psycopg.connect(conninfo(dbname), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        conn.execute("""
            SELECT pg_prewarm(c.oid) FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i')
               AND (c.relname LIKE 'geo_location%' OR c.relname LIKE 'geo_organisation%'
                    OR c.relname LIKE 'location_%')""")


def cached_path(server: Server, shapes: list[Shape], config: Config) -> dict:
    """Repeated tile and layer requests, and conditional requests with If-None-Match."""
    out = {}
    tile = next(s for s in shapes if s.name == "tile z12").requests[0]
    bbox = next(s for s in shapes if s.kind == "bbox").requests[0]
    for name, url in (
        ("repeated tile z12", api_url("tile", tile)),
        ("repeated geojson bbox page", api_url("bbox", bbox)),
        ("repeated /api/layers/", "/api/layers/"),
    ):
        status, headers, _ = probe(server, url)
        if status != 200:
            out[name] = {"not_measured": f"HTTP {status} from {url}"}
            continue
        n = max(config.requests, 50)
        repeated = load({"mode": "http", "port": server.port, "requests": [url] * n, "clients": 1})
        # as a browser asks: every browser sends Accept-Encoding: gzip, and the cache keeps a
        # compressed copy of each body (layers.caching)
        repeated_gzip = load(
            {
                "mode": "http",
                "port": server.port,
                "requests": [url] * n,
                "clients": 1,
                "headers": {"Accept-Encoding": "gzip"},
            }
        )
        entry = {
            "url": url,
            "cache_control": headers.get("cache-control"),
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "repeated": repeated,
            "repeated_gzip": repeated_gzip,
        }
        if etag := headers.get("etag"):
            entry["conditional_304"] = load(
                {
                    "mode": "http",
                    "port": server.port,
                    "requests": [url] * n,
                    "clients": 1,
                    "headers": {"If-None-Match": etag},
                    "expect": [304],
                }
            )
        else:
            entry["conditional_304"] = {"not_measured": "no ETag on the response"}
        out[name] = entry
    return out


def run(config: Config, *, log_dir: Path) -> dict:
    dataset = prepare(config.db_name, config.n, seed=config.seed)
    shapes, pool_info = build_shapes(config.db_name, config)
    _prewarm(config.db_name)
    result: dict = {
        "dataset": dataset,
        "pools": pool_info,
        "sql": SOURCES,
        "shapes": {},
        "server": {
            "gunicorn": "--workers 2 --threads 4 (gthread), CONN_MAX_AGE=600, DEBUG off",
            "tipg": "uvicorn --workers 2",
            "clients": config.clients,
        },
    }
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(gunicorn(config.db_name, log_dir=log_dir))
        peer, result["tipg"] = _start_tipg(config, stack, log_dir=log_dir)
        for shape in shapes:
            print(f"    {shape.name}", flush=True)
            targets, missing = _targets(shape, config.db_name, server, peer)
            paths = measure_shape(shape, targets, config.clients)
            paths.update({name: {"not_measured": why} for name, why in missing.items()})
            result["shapes"][shape.name] = {
                "kind": shape.kind,
                "single_requests": shape.single,
                "concurrent_requests": shape.concurrent,
                "paths": paths,
            }
        result["cached"] = cached_path(server, shapes, config)
    return result


def _describe(kind: str, headers: dict, body: bytes) -> dict:
    out = {"bytes": len(body), "content_type": headers.get("content-type")}
    if kind in ("nearest", "bbox", "text"):
        try:
            doc = json.loads(body)
            features = doc.get("features") if isinstance(doc, dict) else None
            out["features"] = len(features) if features is not None else None
        except ValueError:
            out["features"] = None
    return out


def _start_tipg(
    config: Config, stack: contextlib.ExitStack, *, log_dir: Path
) -> tuple[Server | None, dict]:
    """TiPg on a view of the public points, or None and why it is not measured."""
    why = install_tipg()
    if why:
        return None, {"not_measured": why}
    with psycopg.connect(conninfo(config.db_name), autocommit=True) as conn:
        conn.execute(TIPG_VIEW_SQL)
    from django.conf import settings

    db = settings.DATABASES["default"]
    # A socket directory goes percent-encoded in the host part: TiPg's settings refuse an empty
    # host, and asyncpg reads the encoded one as the directory.
    host = quote(db.get("HOST") or "localhost", safe="")
    auth = quote(db.get("USER") or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    url = f"postgresql://{auth}@{host}:{db.get('PORT') or 5432}/{config.db_name}"
    try:
        peer = stack.enter_context(tipg(url, log_dir=log_dir))
    except ServerFailed as exc:
        return None, {"not_measured": str(exc)[-1500:]}
    return peer, {"version": _tipg_version(), "collection": TIPG_COLLECTION}


def _tipg_version() -> str:
    from benchmarks.config import TIPG_VENV

    out = subprocess.run(
        [str(TIPG_VENV / "bin" / "python"), "-c", "import tipg; print(tipg.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


# --- ratios against the targets of issue 4, item 7 ---------------------------------------------


def _get(result: dict, shape: str, path: str, run: str, key: str) -> float | None:
    entry = result["shapes"].get(shape, {}).get("paths", {}).get(path, {})
    value = (entry.get(run) or {}).get(key)
    if (entry.get(run) or {}).get("error_count"):
        return None  # a run with failed requests gives no figure
    return value


def _ratio(name: str, a: float | None, b: float | None, *, target: str, ok) -> dict:
    if a is None or b is None or not b:
        return {"name": name, "value": None, "target": target, "status": "NOT MEASURED"}
    value = a / b
    return {
        "name": name,
        "value": round(value, 2),
        "target": target,
        "status": "PASS" if ok(value) else "MISS",
    }


def ratios(result: dict) -> list[dict]:
    out = []
    bbox = next((s for s in result["shapes"] if s.startswith("geojson bbox")), "")
    p50, rps = "p50_ms", "rps"
    out.append(
        _ratio(
            "nearest-10 API p50 / framework floor p50",
            _get(result, "nearest-10", "api", "single", p50),
            _get(result, "nearest-10", "framework", "single", p50),
            target="<= 1.5",
            ok=lambda v: v <= 1.5,
        )
    )
    out.append(
        _ratio(
            "nearest-10 API req/s / framework floor req/s (4 clients)",
            _get(result, "nearest-10", "api", "concurrent", rps),
            _get(result, "nearest-10", "framework", "concurrent", rps),
            target=">= 0.7",
            ok=lambda v: v >= 0.7,
        )
    )
    out.append(
        _ratio(
            "GeoJSON page API p50 / database floor p50",
            _get(result, bbox, "api", "single", p50),
            _get(result, bbox, "database", "single", p50),
            target="<= 1.3",
            ok=lambda v: v <= 1.3,
        )
    )
    out.append(
        _ratio(
            # A small page: Django's fixed cost dominates, so the framework floor is the peer.
            "GeoJSON q page API p50 / framework floor p50",
            _get(result, "geojson q (Greeklish)", "api", "single", p50),
            _get(result, "geojson q (Greeklish)", "framework", "single", p50),
            target="<= 1.3",
            ok=lambda v: v <= 1.3,
        )
    )
    out.append(
        _ratio(
            "tile z12 API p50 / framework floor p50",
            _get(result, "tile z12", "api", "single", p50),
            _get(result, "tile z12", "framework", "single", p50),
            target="<= 1.3",
            ok=lambda v: v <= 1.3,
        )
    )
    out.append(
        _ratio(
            "tile z8 API p50 / raw ST_AsMVT (database floor) p50",
            _get(result, "tile z8", "api", "single", p50),
            _get(result, "tile z8", "database", "single", p50),
            target="<= 1.3",
            ok=lambda v: v <= 1.3,
        )
    )
    for shape in (bbox, "tile z12", "tile z8"):
        out.append(
            _ratio(
                f"{shape}: TiPg p50 / API p50 (API ahead when > 1)",
                _get(result, shape, "tipg", "single", p50),
                _get(result, shape, "api", "single", p50),
                target="> 1",
                ok=lambda v: v > 1,
            )
        )
        out.append(
            _ratio(
                f"{shape}: API req/s / TiPg req/s (4 clients)",
                _get(result, shape, "api", "concurrent", rps),
                _get(result, shape, "tipg", "concurrent", rps),
                target="> 1",
                ok=lambda v: v > 1,
            )
        )
    for name, entry in (result.get("cached") or {}).items():
        for run, how in (
            ("repeated", "repeat"),
            ("repeated_gzip", "repeat, gzip-accepting client"),
            ("conditional_304", "304 on If-None-Match"),
        ):
            figure = (entry.get(run) or {}) if isinstance(entry, dict) else {}
            value = figure.get(p50) if not figure.get("error_count") else None
            label = f"{name}: {how} p50 ms"
            if value is None:
                out.append(
                    {"name": label, "value": None, "target": "< 5 ms", "status": "NOT MEASURED"}
                )
            else:
                out.append(
                    {
                        "name": label,
                        "value": value,
                        "target": "< 5 ms",
                        "status": "PASS" if value < 5 else "MISS",
                    }
                )
    return out
