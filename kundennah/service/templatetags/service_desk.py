"""Template helpers of the service desk pages."""

from __future__ import annotations

from typing import Any

from django import template

from kundennah.service.inbox import due_state as _due_state

register = template.Library()


@register.simple_tag
def due_state(concern: Any, now: Any) -> str:
    """``{% due_state concern now as state %}``: on_track, at_risk, overdue, paused or none."""
    return _due_state(concern, now)
