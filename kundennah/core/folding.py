"""Text folding for search: the same word typed in different ways folds to the same keys.

``Müller``, ``Mueller`` and ``MÜLLER`` all give ``mueller``; the umlaut is also folded to
its bare vowel (``muller``) so that a name typed without umlaut dots is found too.
"""

from __future__ import annotations

import re
import unicodedata

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_BARE = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold_variants(word: str) -> set[str]:
    """All keys one word is found under (usually one, two for words with umlauts)."""
    lower = unicodedata.normalize("NFC", word).lower()
    variants = set()
    for table in (_GERMAN, _BARE):
        folded = _NON_ALNUM.sub("", _strip_accents(lower.translate(table)))
        if folded:
            variants.add(folded)
    return variants


def fold_query_word(word: str) -> str:
    """The key a typed word is looked up by: ``Mueller`` and ``Müller`` both give ``mueller``."""
    lower = unicodedata.normalize("NFC", word).lower()
    return _NON_ALNUM.sub("", _strip_accents(lower.translate(_GERMAN)))


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;/&+\-–.()\"']+", text or "") if w]
