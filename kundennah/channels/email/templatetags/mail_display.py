"""Showing mail in the conversation: the quoted history folded away."""

from __future__ import annotations

from django import template

from kundennah.channels.email.quoting import quoted_split

register = template.Library()


@register.filter
def quoted_parts(text: str) -> tuple[str, str]:
    """(what the sender wrote now, the quoted history or "")."""
    return quoted_split(text or "")
