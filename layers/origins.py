"""Web origins as partners' embed configurations list them (`https://host[:port]`): parsing and
validation. Pure functions; nothing here reads the database."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A DNS name or an IPv4 address, lower case; no wildcards: a partner lists each origin it uses.
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def normalise_origin(text: str) -> str:
    """`https://Example.org:443/` -> `https://example.org`; raises ValidationError otherwise.

    Only https, except http for localhost and 127.0.0.1 (partners testing a page locally)."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise ValidationError(_("%(value)s is not an origin."), params={"value": value}) from error
    host = (parts.hostname or "").lower()
    if (
        parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
        or parts.password
        or not _HOST.match(host)
        or "*" in value
    ):
        raise ValidationError(
            _("%(value)s is not an origin: write only https://host or https://host:port."),
            params={"value": value},
        )
    local = host in {"localhost", "127.0.0.1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationError(
            _("%(value)s must use https (http only for localhost)."), params={"value": value}
        )
    default_port = {"https": 443, "http": 80}[parts.scheme]
    suffix = f":{port}" if port and port != default_port else ""
    return f"{parts.scheme}://{host}{suffix}"


def validate_origins(values: list[str]) -> None:
    for value in values:
        if normalise_origin(value) != value:
            raise ValidationError(
                _("Write %(value)s as %(origin)s."),
                params={"value": value, "origin": normalise_origin(value)},
            )
