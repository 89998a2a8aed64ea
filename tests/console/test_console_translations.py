"""The console's catalogue of strings: every string a template marks with ``_("…")`` and every
``Message("…")`` written in api/console has its English and French, with the same ``{fields}``;
the translator's rules (Italian as the fallback, parameters, messages inside messages)."""

from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest

from api.console import templating
from api.console.templating import TEMPLATES, age
from api.console.translations import CATALOGUE, Message, preferred_language, translate

CONSOLE = Path(templating.__file__).parent
QUOTED = r"""\s*(?:"([^"]*)"|'([^']*)')"""
MARKED_IN_TEMPLATES = re.compile(r"(?<![\w.])_\(" + QUOTED)
MARKED_IN_PYTHON = re.compile(r"(?<![\w.])Message\(" + QUOTED)
ANY_CALL = re.compile(r"(?<![\w.])_\(")
PARAMETER_CALLS = re.compile(r"(?<![\w.])_\((?:title|message|error)\)")
"""The calls that translate a value Python passed (a ``Message``): checked on the Python side."""


def marked() -> dict[str, str]:
    """Every marked string, with where it is."""
    found: dict[str, str] = {}
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for double, single in MARKED_IN_TEMPLATES.findall(text):
            found[double or single] = path.name
        calls = len(ANY_CALL.findall(text)) - len(PARAMETER_CALLS.findall(text))
        assert calls == len(MARKED_IN_TEMPLATES.findall(text)), f"{path.name}: a _() this test cannot read"
    for path in sorted(CONSOLE.glob("*.py")):
        if not path.name.startswith("translations"):  # the catalogue itself, and its docstring's examples
            for double, single in MARKED_IN_PYTHON.findall(path.read_text(encoding="utf-8")):
                found[double or single] = path.name
    return found


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_marked_string_has_english_and_french() -> None:
    strings = marked()
    assert len(strings) > 150  # the walk found the templates and the Python messages
    missing = {text: where for text, where in strings.items() if set(CATALOGUE.get(text, {})) != {"en", "fr"}}
    assert missing == {}


def test_translations_keep_the_fields_and_say_something() -> None:
    for italian, languages in CATALOGUE.items():
        for language, text in languages.items():
            assert text.strip(), (italian, language)
            assert fields(text) == fields(italian), (italian, language)


def test_nothing_in_the_catalogue_is_left_unused() -> None:
    assert set(CATALOGUE) - set(marked()) == set()


def test_the_translator_falls_back_to_italian_and_fills_fields() -> None:
    assert translate("Richieste allo staff", "en") == "Requests to staff"
    assert translate("Richieste allo staff", "fr") == "Demandes à l'équipe"
    assert translate("Richieste allo staff", "it") == "Richieste allo staff"
    assert translate("Richieste allo staff", "de") == "Richieste allo staff"
    assert translate("Un testo che nessuno ha tradotto", "en") == "Un testo che nessuno ha tradotto"
    assert translate("Richiesta #{n}", "en", n=7) == "Request #7"
    assert translate("a {brace} without parameters", "en") == "a {brace} without parameters"
    throttled = Message("Troppi tentativi di accesso: riprova tra {when}.", when=Message("{n} minuti", n=3))
    assert translate(throttled, "fr") == "Trop de tentatives de connexion : réessayez dans 3 minutes."
    assert str(throttled) == "Troppi tentativi di accesso: riprova tra 3 minuti."


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "it"), ("", "it"), ("en-US,en;q=0.9", "en"), ("fr-CA", "fr"), ("de, fr;q=0.4, en;q=0.6", "en"),
        ("it;q=0.1, fr;q=0.2", "fr"), ("en;q=zero, fr;q=0.5", "fr"), ("EN-gb", "en"), ("*", "it"),
    ],
)  # fmt: skip
def test_the_browsers_best_language(header: str | None, language: str) -> None:
    assert preferred_language(header) == language


def test_ages_in_each_language() -> None:
    now = dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC)
    two_days = now - dt.timedelta(days=2, hours=4, minutes=5)
    assert age(two_days, now) == "2 g 4 h"
    assert age(two_days, now, "en") == "2 d 4 h"
    assert age(two_days, now, "fr") == "2 j 4 h"
    assert age(now - dt.timedelta(minutes=190), now, "en") == "3 h 10 min"
