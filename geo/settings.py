"""Geitonia settings: every value that varies by deployment comes from the environment.

Defaults are safe for production (DEBUG off, strict hosts); `make run` needs no variables at all:
the database defaults to the local PostGIS cluster under var/ (scripts/postgres.sh).
"""

import os
import secrets
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, else a random key kept in var/secret-key (created once, mode 0600)."""
    if key := env("DJANGO_SECRET_KEY", default=""):
        return key
    path = VAR_DIR / "secret-key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "geo",
    "layers",
    "importers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so that files without a pre-compressed copy (finders) are gzipped too.
    "geo.compression.PublicGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "geo.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "geo.urls"
WSGI_APPLICATION = "geo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layers.context.site",
                "csp.context_processors.nonce",
                "layers.safety.quick_exit",
                "layers.embeds.discovery",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------------
# DATABASE_URL=postgis://user:pass@host:port/name points at an existing PostGIS; without it, the
# local cluster that scripts/postgres.sh runs under var/ (Unix socket, no password).
if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL", engine="django.contrib.gis.db.backends.postgis")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": env("GEITONIA_DB_NAME", default="geitonia"),
            "USER": "geitonia",
            "HOST": str(VAR_DIR / "run"),
            "PORT": env("GEITONIA_PGPORT", default="5432"),
        }
    }
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if test_db := env("GEITONIA_TEST_DB_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": test_db}

# Responses that depend only on the request and the data version (layers.caching); per process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Megabytes of built responses (GeoJSON pages, layers, tiles) each process keeps for the current
# data version (layers.caching).
GEITONIA_RESPONSE_CACHE_MB = env.int("GEITONIA_RESPONSE_CACHE_MB", default=256)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "el"
LANGUAGES = [
    ("el", "Ελληνικά"),
    ("en", "English"),
    ("ar", "العربية"),
    ("fa", "فارسی"),
]
LANGUAGES_BIDI = ["ar", "fa"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Athens"
USE_I18N = True
USE_TZ = True

# --- Static files: our own and the npm packages' dist folders, never a CDN --------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/leaflet.markercluster", BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"),
    ("vendor/ol", BASE_DIR / "node_modules" / "ol"),
]
STATICFILES_DIRS = [
    d for d in STATICFILES_DIRS if Path(d[1] if isinstance(d, tuple) else d).is_dir()
]
WHITENOISE_USE_FINDERS = True
# collectstatic (make run, the benchmark, deployments) writes hashed names, served with a year's
# max-age, and gzip/brotli copies next to them; ES module imports are rewritten to the hashed
# names too. Tests swap in the plain storage (tests/conftest.py): they run without collectstatic;
# so does DJANGO_DEBUG=true, where an edited script must show without collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "geo.staticfiles.StaticStorage"
    },
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": None,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Geitonia API",
    "DESCRIPTION": "Solidarity and social services on the map: locations, areas, layers, tiles.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
CORS_URLS_REGEX = r"^/(api|tiles)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if env.bool("GEITONIA_HTTPS", default=False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # check --deploy asks for preload; a deployment that cannot commit to it sets 0.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Content-Security-Policy (django-csp; geo.csp adds the tile server's origin per request) ---
# No 'unsafe-inline' or 'unsafe-eval' anywhere: our pages load only our own scripts, with a nonce
# for the few inline ones (the print map's folium output). Framing is refused everywhere but
# /embed/<id>/, whose view replaces frame-ancestors with the origins its configuration lists.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# Nothing about the people who search reaches the logs: the query string (places searched for,
# map positions, names) is cut from every request line Django or runserver logs. gunicorn's
# access log does the same through gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_query": {"()": "geo.requestlog.WithoutQueryString"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_query"]},
        "server": {
            "class": "logging.StreamHandler",
            "filters": ["no_query"],
            "formatter": "server",
        },
    },
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "loggers": {
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# --- Geitonia --------------------------------------------------------------------------------
# Where the public geodata lives (boundaries, gazetteers); `make` points it at ../shared/data.
GEITONIA_DATA_DIR = env("GEITONIA_DATA_DIR", default="") or None
GEITONIA_DATA_URL = env("GEITONIA_DATA_URL", default="") or None
GEITONIA_GEOCODER = env("GEITONIA_GEOCODER", default="nominatim")
GEITONIA_NOMINATIM_URL = env(
    "GEITONIA_NOMINATIM_URL", default="https://nominatim.openstreetmap.org"
)
GEITONIA_GEOCODER_USER_AGENT = env(
    "GEITONIA_GEOCODER_USER_AGENT", default="geitonia/0.1 (+https://github.com/geitonia)"
)
# Seconds between two requests to the geocoder from the whole installation (every process and
# machine on this database): the public Nominatim allows one per second per application.
GEITONIA_GEOCODER_MIN_INTERVAL = env.float("GEITONIA_GEOCODER_MIN_INTERVAL", default=1.0)
GEITONIA_GEOCODER_TIMEOUT = env.float("GEITONIA_GEOCODER_TIMEOUT", default=10.0)
# Retries after a provider error or timeout, the first after BACKOFF seconds, then doubling.
GEITONIA_GEOCODER_RETRIES = env.int("GEITONIA_GEOCODER_RETRIES", default=2)
GEITONIA_GEOCODER_BACKOFF = env.float("GEITONIA_GEOCODER_BACKOFF", default=2.0)
# After the provider stayed unreachable through all retries, skip it for this many seconds (in
# this process), so that an import does not wait out the retries on every row.
GEITONIA_GEOCODER_COOLDOWN = env.float("GEITONIA_GEOCODER_COOLDOWN", default=60.0)
GEITONIA_TILE_URL = env(
    "GEITONIA_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
GEITONIA_TILE_ATTRIBUTION = env(
    "GEITONIA_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors",
)
# Imports uploaded in the admin: the largest file accepted, and where files wait for the worker.
GEITONIA_IMPORT_MAX_UPLOAD_MB = env.int("GEITONIA_IMPORT_MAX_UPLOAD_MB", default=25)
GEITONIA_IMPORT_DIR = Path(env("GEITONIA_IMPORT_DIR", default=str(VAR_DIR / "imports")))
# Uploads whose dry run nobody confirmed are deleted by the worker after this many days.
GEITONIA_IMPORT_KEEP_DAYS = env.int("GEITONIA_IMPORT_KEEP_DAYS", default=7)
# Where the quick-exit button and the Esc key send someone who must leave the site at once:
# a neutral page that says nothing about what they were looking at.
GEITONIA_QUICK_EXIT_URL = env(
    "GEITONIA_QUICK_EXIT_URL", default="https://www.google.com/search?q=weather"
)
# Imports: files larger than this are refused before reading; sheets claiming more cells with
# content (after repeats and merges) too. Readers stream, so these bound time, not memory.
GEITONIA_IMPORT_MAX_BYTES = env.int("GEITONIA_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
GEITONIA_IMPORT_MAX_CELLS = env.int("GEITONIA_IMPORT_MAX_CELLS", default=10_000_000)
# Processes that clean the rows of a large import (more than one chunk of 5,000 rows); 1: none.
GEITONIA_IMPORT_WORKERS = env.int("GEITONIA_IMPORT_WORKERS", default=min(4, os.cpu_count() or 1))
# An import of at least this many listings, into a directory no larger, builds the indexes and
# foreign keys once after writing instead of row by row (importers.pipeline.bulk); 0: never.
GEITONIA_IMPORT_BULK_ROWS = env.int("GEITONIA_IMPORT_BULK_ROWS", default=20_000)
# Grid size in metres for locations whose precision is "street".
GEITONIA_STREET_SNAP_METRES = env.int("GEITONIA_STREET_SNAP_METRES", default=100)

# gis.W001: Debian 12's GDAL 3.6 cannot block file/network access in spatial references. We only
# ever build spatial references from EPSG codes of our own, never from user-supplied WKT/PROJ.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
