"""Row problems keep their message and parameters, so the admin says them in the coordinator's
language: the Reason type, how it travels (worker processes, JSON, the database), and that
every reason the importer can give is in the catalogues."""

import ast
import json
import pickle
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_noop

from importers.models import ImportRun, RowError
from importers.reasons import Reason, reason_of
from tests.test_translations import LANGUAGES, entries

ROOT = Path(__file__).resolve().parent.parent


def test_a_reason_is_its_english_sentence_and_keeps_how_to_translate_it():
    reason = Reason(gettext_noop("{value} is not a phone number"), value=repr("21o 123"))
    assert reason == "'21o 123' is not a phone number" and isinstance(reason, str)
    assert reason.to_dict() == {
        "message": "{value} is not a phone number",
        "params": {"value": "'21o 123'"},
    }
    with translation.override("el"):
        assert reason.translated() == "το '21o 123' δεν είναι αριθμός τηλεφώνου"
    with translation.override("fa"):
        assert reason.translated() == "'21o 123' شماره تلفن نیست"
    with translation.override("en"):
        assert reason.translated() == reason


def test_a_reason_inside_a_reason_is_translated_with_it():
    inner = Reason(gettext_noop("days without hours ({days})"), days="Δε, Τρ")
    outer = Reason(gettext_noop("opening hours kept as text ({problem})"), problem=inner)
    assert outer == "opening hours kept as text (days without hours (Δε, Τρ))"
    with translation.override("el"):
        assert outer.translated() == "το ωράριο κρατήθηκε ως κείμενο (ημέρες χωρίς ώρες (Δε, Τρ))"
    again = Reason.from_dict(json.loads(json.dumps(outer.to_dict())))
    assert again == outer and again.to_dict() == outer.to_dict()
    with translation.override("ar"):
        assert again.translated() == outer.translated() != outer


def test_a_reason_crosses_to_a_worker_process_and_back_whole():
    reason = Reason(gettext_noop("longer than {limit} characters"), limit=300)
    copy = pickle.loads(pickle.dumps(reason))
    assert copy == reason and copy.to_dict() == reason.to_dict()
    # braces in a parameter are text, not fields
    braces = pickle.loads(pickle.dumps(Reason(gettext_noop("cannot read {value}"), value="{x}")))
    assert braces == "cannot read {x}"


def test_with_params_changes_the_parameters_and_never_the_words():
    inner = Reason(gettext_noop("{time} is not a time of day"), time="25:00")
    reason = Reason(gettext_noop("opening hours kept as text ({problem})"), problem=inner)
    hidden = reason.with_params(lambda text: text.replace("25", "…"))
    assert hidden == "opening hours kept as text (…:00 is not a time of day)"
    assert hidden.msgid == reason.msgid


def test_a_parameter_must_be_text_or_a_number():
    with pytest.raises(TypeError):
        Reason(gettext_noop("cannot read {value}"), value=["a list"])


def test_a_broken_translation_falls_back_to_english(monkeypatch):
    monkeypatch.setattr("importers.reasons.gettext", lambda message: "{missing} field")
    reason = Reason(gettext_noop("cannot read {value}"), value="'x'")
    assert reason.translated() == "cannot read 'x'"


def test_reason_of_an_exception_with_a_reason_and_with_plain_text():
    reason = Reason(gettext_noop("not a valid web address"))
    assert reason_of(ValueError(reason)) is reason
    assert reason_of(ValueError("plain")) == "plain"


@pytest.mark.django_db
def test_a_stored_row_error_is_shown_in_the_language_of_whoever_reads_it():
    run = ImportRun.objects.create(source="network", file_name="f.csv")
    reason = Reason(gettext_noop("unknown category {value}"), value=repr("σούπα"))
    stored = RowError.objects.create(run=run, row=3, reason=reason, **reason.to_dict())
    stored.refresh_from_db()
    with translation.override("el"):
        assert stored.translated_reason == "άγνωστη κατηγορία 'σούπα'"
    assert stored.reason == "unknown category 'σούπα'"
    # rows from before reasons kept their message, or whose message no longer fits: as stored
    older = RowError.objects.create(run=run, row=4, reason="an old sentence")
    broken = RowError.objects.create(
        run=run, row=5, reason="as it was", message="cannot read {value}", params={}
    )
    with translation.override("el"):
        assert older.translated_reason == "an old sentence"
        assert broken.translated_reason == "as it was"


def _reason_messages() -> dict[str, str]:
    """Every message the importer gives as a Reason (gettext_noop literals in importers/),
    with where it is written."""
    found = {}
    for path in sorted((ROOT / "importers").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "gettext_noop"
            ):
                (arg,) = node.args
                assert isinstance(arg, ast.Constant), f"{path}:{node.lineno}: not a literal"
                found[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_importer_gives_its_reasons_through_the_catalogues():
    messages = _reason_messages()
    assert len(messages) > 60, "the importer's messages were not found"
    for lang in LANGUAGES:
        translated_in = {e["msgid"] for e in entries(lang) if all(e["msgstr"])}
        # .po strings are escaped; the messages here have no quotes or backslashes
        missing = {m: where for m, where in messages.items() if m not in translated_in}
        assert missing == {}, f"{lang}: run makemessages and translate: {missing}"
