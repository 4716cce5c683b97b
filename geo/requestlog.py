"""A logging filter that cuts query strings from logged request lines and paths, so the places,
names and map positions people search for never reach a log file. It must not drop records."""

import logging
import re
from collections.abc import Mapping

# The request line runserver logs ("GET /el/?near=Kypseli HTTP/1.1") and any bare URL in a message.
_QUERY = re.compile(r"(?P<path>(?:https?://[^\s?#\"]*)?/[^\s?#\"]*)\?[^\s#\"]*")


def without_query(text: str) -> str:
    """`text` with the query string of every URL path in it removed (`/x/?a=1` -> `/x/`)."""
    return _QUERY.sub(r"\g<path>", text)


class WithoutQueryString(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = without_query(str(record.msg))
        if isinstance(record.args, Mapping):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_clean(a) for a in record.args)
        return True


def _clean(value: object) -> object:
    return without_query(value) if isinstance(value, str) else value
