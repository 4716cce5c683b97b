"""`python -m benchmarks [api|import|map ...]`: run benchmarks, write var/bench/results-*.json.

`python -m benchmarks data --n N` is the internal step that fills the database GEITONIA_DB_NAME.
"""

import argparse
import json
import os
import signal
import sys
import time
from pathlib import Path

SECTIONS = ("api", "import", "map")


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()


def data_dir() -> Path:
    from django.conf import settings

    from benchmarks.config import REPO

    path = Path(settings.GEITONIA_DATA_DIR or REPO.parent / "shared" / "data")
    if not (path / "SOURCES.md").is_file():
        sys.exit(f"The public geodata is not at {path}: set GEITONIA_DATA_DIR.")
    return path


def _data(n: int, seed: int) -> None:
    _setup_django()
    from benchmarks.database import conninfo
    from benchmarks.synthetic import ensure_dataset
    from geo.areas import load_areas
    from geo.models import Area

    if not Area.objects.filter(level=Area.Level.MUNICIPALITY).exists():
        load_areas(data_dir())
    report = ensure_dataset(conninfo(), n, data_dir=data_dir(), seed=seed)
    print(json.dumps(report))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--n", type=int, help="data: number of synthetic locations")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.sections == ["data"]:
        _data(args.n, args.seed)
        return 0
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    from benchmarks.config import load_config

    config = load_config()
    # Stop the servers we started (their `finally` blocks) when the run is interrupted.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.environ.setdefault("GEITONIA_DB_NAME", config.db_name)
    os.environ["GEITONIA_DB_NAME"] = config.db_name
    _setup_django()
    from benchmarks import report
    from benchmarks.run import run_sections

    started = time.time()
    results = run_sections(args.sections or list(SECTIONS), config=config)
    path = report.write(results, started=started, config=config)
    report.print_tables(results)
    print(f"\nFigures written to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
