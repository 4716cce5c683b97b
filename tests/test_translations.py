"""The catalogues of the languages the site speaks: every message translated, none left fuzzy (a
fuzzy entry is not used, so the page falls back to English), and every placeholder kept."""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ["el", "ar", "fa"]
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def entries(lang: str, root: Path = LOCALE) -> list[dict]:
    """Each entry of the catalogue: flags, msgid, msgid_plural and its msgstr forms."""
    text = (root / lang / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    found = []
    for block in re.split(r"\n\s*\n", text):
        entry: dict = {"flags": set(), "msgstr": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif m := re.match(r"(msgid_plural|msgid|msgstr(?:\[\d+\])?) ", line):
                field = m.group(1)
                if field.startswith("msgstr"):
                    entry["msgstr"].append("")
                else:
                    entry[field] = ""
                entry_value = "".join(_STRING.findall(line[m.end() :]))
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += entry_value
                else:
                    entry[field] += entry_value
            elif line.startswith('"') and field:
                value = "".join(_STRING.findall(line))
                if field.startswith("msgstr"):
                    entry["msgstr"][-1] += value
                else:
                    entry[field] += value
        if entry.get("msgid"):  # the header has an empty msgid
            found.append(entry)
    return found


def placeholders(text: str) -> set[str]:
    return {a or b for a, b in _PLACEHOLDER.findall(text)}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(lang):
    catalogue = entries(lang)
    assert len(catalogue) > 200, "the catalogue was not read"
    untranslated = [e["msgid"] for e in catalogue if not all(e["msgstr"])]
    fuzzy = [e["msgid"] for e in catalogue if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_translations_keep_every_placeholder(lang):
    wrong = [
        (e["msgid"], form)
        for e in entries(lang)
        for form in e["msgstr"]
        if placeholders(form) != placeholders(e["msgid"])
        and placeholders(form) != placeholders(e.get("msgid_plural", ""))
    ]
    assert wrong == []


def test_the_check_sees_an_untranslated_entry(tmp_path):
    """The reader finds an empty msgstr (so the first test can fail)."""
    po = tmp_path / "xx" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, python-format\nmsgid "%(n)s rows"\nmsgstr ""\n\n'
        'msgid "long"\n"er"\nmsgstr "μακ"\n"ρύ"\n',
        encoding="utf-8",
    )
    found = {e["msgid"]: e for e in entries("xx", root=tmp_path)}
    assert found["%(n)s rows"]["msgstr"] == [""]
    assert found["%(n)s rows"]["flags"] == {"python-format"}
    assert found["longer"]["msgstr"] == ["μακρύ"]
