"""Settings for benchmark runs: the shipped settings plus the benchmark database and URLconf.

The floor views exist only in benchmarks.bench_urls; the shipped app never routes to them.
"""

import os

from geo.settings import *  # noqa: F403
from geo.settings import DATABASES

# A separate database in the same cluster (or server, with DATABASE_URL): never the app's data.
DATABASES["default"]["NAME"] = os.environ.get("GEITONIA_DB_NAME", "geitonia_bench")
if DATABASES["default"]["NAME"] == "geitonia":
    raise RuntimeError("benchmarks refuse to run on the application database 'geitonia'")
DATABASES["default"]["CONN_MAX_AGE"] = 600
DEBUG = False
ROOT_URLCONF = "benchmarks.bench_urls"
