"""German is the first language: every user-facing string has a German translation."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_string_has_a_german_translation_and_none_is_fuzzy():
    with (LOCALE / "de/LC_MESSAGES/django.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def _entries(catalog):
    # Plural ids and strings come as tuples from the .po and as lists from the .mo; babel's
    # .mo reader leaves a message context as bytes.
    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    def context(value):
        return value.decode() if isinstance(value, bytes) else value

    return {(context(m.context), frozen(m.id)): frozen(m.string) for m in catalog if m.id}


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "de/LC_MESSAGES/django.po").open("rb") as handle:
        source = _entries(read_po(handle))
    with (LOCALE / "de/LC_MESSAGES/django.mo").open("rb") as handle:
        compiled = _entries(read_mo(handle))
    assert compiled == source, "run `make messages` (or python -m kundennah.core.compile_messages)"
