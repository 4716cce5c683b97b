"""Start-up checks: a database we cannot reach, one without PostGIS, or a geocoder that would
be refused (no identifying User-Agent) fails with what to do."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import OperationalError, connection


@register(Tags.database)
def check_postgis(app_configs, **kwargs) -> list[Error]:
    settings_dict = connection.settings_dict
    where = settings_dict.get("HOST") or "localhost"
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_extension WHERE extname = 'postgis'),"
                " (SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis')"
            )
            installed, available = cursor.fetchone()
    except OperationalError as exc:
        return [
            Error(
                f"Cannot connect to the database {settings_dict.get('NAME')!r} at {where}: "
                f"{str(exc).strip().splitlines()[0]}",
                hint="Run `make db` to start the local PostGIS cluster under var/, or set "
                "DATABASE_URL=postgis://user:password@host:port/name to an existing PostGIS.",
                id="geo.E001",
            )
        ]
    if not installed and not available:
        return [
            Error(
                "PostGIS is not installed on the database server.",
                hint="Install it on the server (Debian: apt-get install postgresql-15-postgis-3), "
                "then run `manage.py migrate`.",
                id="geo.E002",
            )
        ]
    return []


@register()
def check_geocoder(app_configs, **kwargs) -> list[Error]:
    from geo.geocoding import GEOCODERS, GeocoderMisconfigured
    from geo.geocoding.nominatim import NAME, check_user_agent

    name = (settings.GEITONIA_GEOCODER or "").strip().lower()
    if name not in GEOCODERS:
        return [
            Error(
                f"GEITONIA_GEOCODER={settings.GEITONIA_GEOCODER!r} is not a geocoder.",
                hint=f"Use one of: {', '.join(GEOCODERS)}.",
                id="geo.E003",
            )
        ]
    if name != NAME:
        return []
    try:
        check_user_agent(settings.GEITONIA_GEOCODER_USER_AGENT)
    except GeocoderMisconfigured as exc:
        return [
            Error(
                str(exc),
                hint="Set GEITONIA_GEOCODER_USER_AGENT to name this installation and a contact, "
                "or GEITONIA_GEOCODER=offline.",
                id="geo.E004",
            )
        ]
    return []
