"""Benchmark sizes and database names, read from BENCH_* variables; it touches no database."""

import os
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO / "var" / "bench"
TIPG_VENV = REPO / "var" / "bench-venv"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value.replace("_", "")) if value.strip() else default


@dataclass(frozen=True)
class Config:
    quick: bool
    n: int  # synthetic locations in the API benchmark's database
    map_n: int  # locations loaded for the map page (the issue asks for 100,000)
    import_rows: int  # rows in the import benchmark's CSV
    import_small_rows: int  # the smaller file, to show memory stays bounded
    requests: int  # single-client requests per path and shape
    concurrent_requests: int  # requests per path and shape, spread over `clients`
    clients: int
    map_runs: int
    seed: int
    db_name: str
    map_db_name: str
    import_db_name: str

    def as_dict(self) -> dict:
        return asdict(self)


def load_config() -> Config:
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0", "false", "no")
    n = _int("BENCH_N", 20_000 if quick else 1_000_000)
    db_name = os.environ.get("BENCH_DB_NAME", "geitonia_bench")
    map_n = _int("BENCH_MAP_N", n if quick else 100_000)
    return Config(
        quick=quick,
        n=n,
        map_n=map_n,
        import_rows=_int("BENCH_IMPORT_ROWS", 5_000 if quick else 100_000),
        import_small_rows=_int("BENCH_IMPORT_SMALL_ROWS", 1_000 if quick else 10_000),
        requests=_int("BENCH_REQUESTS", 30 if quick else 300),
        concurrent_requests=_int("BENCH_CONCURRENT_REQUESTS", 60 if quick else 800),
        clients=_int("BENCH_CLIENTS", 4),
        map_runs=_int("BENCH_MAP_RUNS", 3 if quick else 7),
        seed=_int("BENCH_SEED", 20261123),
        db_name=db_name,
        # One dataset per size: a map database only when its size differs from the API one.
        map_db_name=db_name if map_n == n else f"{db_name}_map",
        import_db_name=f"{db_name}_import",
    )
