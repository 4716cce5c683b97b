"""Reasons: the sentences an import tells a coordinator, in English and in their language.

A row error is found in a cleaning worker, kept with the import run and read later in the
admin, by a coordinator whose language is Greek, Arabic or Farsi as often as English. So a
reason is not translated when it is found: it is a `Reason`, the English sentence (a `str`,
for logs, the command line and `--report` files) that also keeps its message id and its
parameters. The admin translates it when it shows it (`translated`), in the language of the
page.

Messages are marked where they are written, with gettext_noop so that makemessages finds
them:

    Reason(gettext_noop("{value} is not a phone number"), value=repr(piece))

Parameters are `{name}` fields (str.format, no conversions or format specs: the translation
catalogues keep the same fields, which tests/test_translations.py checks), given as text or
numbers already formatted, or as Reasons themselves (a sentence inside a sentence, translated
with it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext

Param = str | int  # a Reason is a str


class Reason(str):
    """An English sentence for a coordinator that can say itself in another language."""

    msgid: str
    params: dict[str, Param]

    def __new__(cls, msgid: str, /, **params: Param) -> Reason:
        for name, value in params.items():
            if not isinstance(value, (str, int)):
                raise TypeError(f"parameter {name} of {msgid!r} is a {type(value).__name__}")
        self = super().__new__(cls, msgid.format(**params))
        self.msgid = msgid
        self.params = params
        return self

    def __reduce__(self) -> tuple:  # to and from the cleaning workers
        return (_rebuild, (self.msgid, self.params))

    def translated(self) -> str:
        """The sentence in the active language (English where the catalogue has none)."""
        params = {
            name: value.translated() if isinstance(value, Reason) else value
            for name, value in self.params.items()
        }
        try:
            return gettext(self.msgid).format(**params)
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            return self.msgid.format(**params)

    def with_params(self, change: Callable[[str], str]) -> Reason:
        """The same sentence with `change` applied to every text parameter (nested ones too):
        to take coordinates out of a reason without touching the words around them."""
        changed: dict[str, Param] = {}
        for name, value in self.params.items():
            if isinstance(value, Reason):
                changed[name] = value.with_params(change)
            elif isinstance(value, str):
                changed[name] = change(value)
            else:
                changed[name] = value
        return Reason(self.msgid, **changed)

    def to_dict(self) -> dict[str, Any]:
        """{"message": msgid, "params": {...}}: JSON, nested Reasons as the same kind of dict."""
        return {
            "message": self.msgid,
            "params": {
                name: value.to_dict() if isinstance(value, Reason) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        params = {
            name: cls.from_dict(value) if isinstance(value, Mapping) else value
            for name, value in data.get("params", {}).items()
        }
        return cls(data["message"], **params)


def _rebuild(msgid: str, params: dict[str, Param]) -> Reason:
    return Reason(msgid, **params)


def reason_of(exc: BaseException) -> str:
    """The reason an exception was raised with: its Reason when it carries one, else its text."""
    if exc.args and isinstance(exc.args[0], Reason):
        return exc.args[0]
    return str(exc)
