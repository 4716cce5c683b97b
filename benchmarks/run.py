"""Runs the chosen sections in order and collects their figures; a section that fails is reported
as not measured with its error, and the others still run."""

import os
import time
import traceback

from benchmarks.config import RESULTS_DIR, Config


def run_sections(sections: list[str], *, config: Config) -> dict:
    log_dir = RESULTS_DIR / "logs"
    results: dict = {}
    for section in sections:
        print(f"==> benchmark: {section}", flush=True)
        started = time.perf_counter()
        try:
            if section == "api":
                from benchmarks import api

                results["api"] = api.run(config, log_dir=log_dir)
                results["api"]["ratios"] = api.ratios(results["api"])
            elif section == "import":
                from benchmarks import importing

                results["import"] = importing.run(config, log_dir=log_dir)
            elif section == "map":
                from benchmarks import mappage

                results["map"] = mappage.run(config, log_dir=log_dir)
        except Exception as exc:  # one broken section must not hide the others' figures
            if os.environ.get("BENCH_RAISE"):
                raise
            results[section] = {
                "not_measured": f"{exc.__class__.__name__}: {exc}",
                "traceback": traceback.format_exc()[-4000:],
            }
        results.setdefault(section, {})["seconds"] = round(time.perf_counter() - started, 1)
    return results
