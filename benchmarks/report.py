"""The readable tables on stdout and the same figures as JSON in var/bench/results-<time>.json."""

import json
import os
import platform
import subprocess
import time
from pathlib import Path

from benchmarks.config import REPO, RESULTS_DIR, Config

CAVEAT = "Figures from a shared machine are noisy: compare ratios within one run, not across runs."
# The import phases of report.timings, in order (importers.pipeline.run_import).
PHASES = ("read", "geocode", "areas", "rebuild", "upsert")


def _git_commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


def write(results: dict, *, started: float, config: Config) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    path = RESULTS_DIR / f"results-{stamp}.json"
    doc = {
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "commit": _git_commit(),
        "config": config.as_dict(),
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_at_end": os.getloadavg(),
            "python": platform.python_version(),
        },
        "caveat": CAVEAT,
        "results": results,
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str))
    return path


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}" if value < 100 else f"{value:,.0f}{unit}"
    return f"{value:,}{unit}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(out)


def _run_cells(entry: dict) -> list[str]:
    if "not_measured" in entry:
        return ["not measured: " + entry["not_measured"][:70], "", "", "", ""]
    single, conc = entry.get("single") or {}, entry.get("concurrent") or {}
    errors = (single.get("error_count") or 0) + (conc.get("error_count") or 0)
    return [
        _fmt(single.get("p50_ms")),
        _fmt(single.get("p95_ms")),
        _fmt(conc.get("rps")),
        _fmt(single.get("mean_bytes")),
        f"{errors} errors" if errors else "",
    ]


def print_tables(results: dict) -> None:
    print()
    print(CAVEAT)
    api = results.get("api") or {}
    if "shapes" in api:
        ds = api.get("dataset", {})
        print(
            f"\nAPI benchmark: {ds.get('locations', '?'):,} synthetic locations "
            f"(reused: {ds.get('reused')}); 4-client req/s"
        )
        rows = []
        for shape, data in api["shapes"].items():
            for path in ("database", "framework", "api", "tipg"):
                entry = data["paths"].get(path)
                if entry is not None:
                    rows.append([shape, path, *_run_cells(entry)])
        print(_table(["shape", "path", "p50 ms", "p95 ms", "req/s", "bytes", ""], rows))
        rows = []
        for name, entry in (api.get("cached") or {}).items():
            if "not_measured" in entry:
                rows.append([name, "not measured: " + entry["not_measured"], "", "", ""])
                continue
            rep, cond = entry.get("repeated") or {}, entry.get("conditional_304") or {}
            rep_gzip = entry.get("repeated_gzip") or {}
            rows.append(
                [
                    name,
                    _fmt(rep.get("p50_ms")),
                    _fmt(rep_gzip.get("p50_ms")),
                    _fmt(cond.get("p50_ms"))
                    if "not_measured" not in cond
                    else cond["not_measured"],
                    entry.get("cache_control") or "-",
                ]
            )
        if rows:
            print("\nCached path (API)")
            print(
                _table(
                    ["request", "repeat p50 ms", "gzip p50 ms", "304 p50 ms", "Cache-Control"],
                    rows,
                )
            )
    elif api:
        print(f"\nAPI benchmark not measured: {api.get('not_measured')}")
    imp = results.get("import") or {}
    if "methods" in imp:
        print(f"\nImport benchmark: {imp.get('rows'):,} rows")
        rows = []
        for name, m in imp["methods"].items():
            if "not_measured" in m:
                rows.append([name, "not measured: " + m["not_measured"][:60], "", "", "", ""])
            else:
                rows.append(
                    [
                        name,
                        _fmt(m.get("rows_per_s")),
                        _fmt(m.get("seconds")),
                        _fmt(m.get("maxrss_mb")),
                        _fmt(m.get("baseline_rss_mb")),
                        _fmt(m.get("workers_maxrss_mb")),
                    ]
                )
        # The baseline is the worker's peak after Django has started, before the import; the
        # last column is the largest cleaning process the pipeline forked (-: none).
        print(
            _table(
                ["method", "rows/s", "seconds", "peak RSS MB", "at start MB", "cleaner MB"], rows
            )
        )
        phases = [
            [name, *(_fmt(m["timings"].get(k)) for k in PHASES)]
            for name, m in imp["methods"].items()
            if m.get("timings")
        ]
        if phases:
            # read: read, map, clean and stage every row; areas: building rows with their areas
            # (part of upsert); rebuild: building indexes and foreign keys after a bulk load
            # (part of upsert); upsert: writing the listings, including the commit's key checks
            print("\nWhere the pipeline's time goes (seconds)")
            print(_table(["method", "read+clean", *PHASES[1:]], phases))
    elif imp:
        print(f"\nImport benchmark not measured: {imp.get('not_measured')}")
    mp = results.get("map") or {}
    if "runs" in mp:
        print(f"\nMap page: {mp.get('locations'):,} locations, {mp.get('viewport')}")
        print(
            _table(
                ["figure", "median", "max"],
                [
                    [
                        "first features visible (ms)",
                        _fmt(mp.get("first_features_ms_median")),
                        _fmt(mp.get("first_features_ms_max")),
                    ],
                    ["bytes transferred (KB)", _fmt(mp.get("kb_median")), _fmt(mp.get("kb_max"))],
                    # after the first view: tapping "Map" fetches the markers of the whole view
                    [
                        "then map tapped: markers drawn (ms)",
                        _fmt(mp.get("map_opened_ms_median")),
                        "",
                    ],
                    ["then map tapped: bytes (KB)", _fmt(mp.get("map_opened_kb_median")), ""],
                ],
            )
        )
    elif mp:
        print(f"\nMap benchmark not measured: {mp.get('not_measured')}")
    all_ratios = [*api.get("ratios", []), *imp.get("ratios", []), *mp.get("ratios", [])]
    if all_ratios:
        print("\nRatios and targets")
        print(
            _table(
                ["figure", "value", "target", ""],
                [[r["name"], _fmt(r["value"]), r["target"], r["status"]] for r in all_ratios],
            )
        )
