"""Which language a comment is written in: German or English, from frequent function words."""

from __future__ import annotations

from .tokens import language_of_tokens, tokenize


def language_of(text: str) -> str:
    """``"de"`` or ``"en"``; German when the text gives no sign (the default of our customers)."""
    return language_of_tokens(tokenize(text[:5000]))
