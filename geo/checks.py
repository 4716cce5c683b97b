"""Start-up checks: a database we cannot reach or one without PostGIS fails with what to do."""

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
