"""The promise on a concern: its due times, computed from the team's business calendar.

``calendar.py`` does the arithmetic on pure values; this module reads a team's calendar from
the database and applies it to a concern: first response by the end of the next business day
(a callback: within two business hours or in the customer's window), resolution within the
target for its priority and category, and the clock stopped while we wait for the customer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from kundennah.service import configuration
from kundennah.service.calendar import (
    BusinessCalendar,
    Pause,
    business_add,
    business_between,
    due_with_pauses,
    first_response_due,
    promise_text,
)
from kundennah.service.models import Concern, TeamCalendar

# Business hours to resolve when no target is configured for a priority.
DEFAULT_RESOLUTION_HOURS = {"urgent": 8, "high": 20, "normal": 50, "low": 100}
CALLBACK_WITHIN = dt.timedelta(hours=2)
# Share of the promised time after which a concern counts as at risk.
AT_RISK_SHARE = 0.75


def calendar_of(team: Any) -> BusinessCalendar:
    """The business calendar of ``team`` (or the default one: Mon–Fri 8–18, Europe/Berlin)."""
    return configuration.calendar_for(getattr(team, "pk", None))


def calendars_of(team_ids: Any) -> dict[int | None, BusinessCalendar]:
    """The calendars of many teams (sweeps, measures); key None is the default one."""
    return {None: configuration.calendar_for(None), **{t: configuration.calendar_for(t) for t in team_ids}}


def calendar_from(config: TeamCalendar | None) -> BusinessCalendar:
    """A team's calendar settings as calendar arithmetic works with them."""
    if config is None:
        return BusinessCalendar.default(state=getattr(settings, "KUNDENNAH_DEFAULT_STATE", None) or None)
    hours = {
        int(weekday): (dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
        for weekday, (opens, closes) in config.hours.items()
    }
    return BusinessCalendar(
        timezone=config.time_zone, hours=hours, state=config.state or None,
        closing_days=frozenset(day.date for day in config.closing_days.all()),
    )


def resolution_hours(*, priority: str, category_id: int | None) -> int:
    targets = configuration.current().resolution_hours
    if category_id is not None and (priority, category_id) in targets:
        return targets[(priority, category_id)]
    return targets.get((priority, None), DEFAULT_RESOLUTION_HOURS.get(priority, 50))


def _pauses(concern: Concern) -> list[Pause]:
    if concern.pk is None:
        return []
    return [Pause(p.started_at, p.ended_at) for p in concern.pauses.all()]


def promise_apply(concern: Concern, *, calendar: BusinessCalendar | None = None) -> None:
    """Set the due times of ``concern`` from its receipt, kind, priority, category and pauses.

    Called on intake and whenever something that moves the promise changes (team, priority,
    category, a pause beginning or ending, the first response). Does not save.
    """
    cal = calendar or calendar_of(concern.team)
    received = concern.received_at
    if concern.kind == Concern.Kind.CALLBACK:
        base_first = concern.callback_until or business_add(cal, received, CALLBACK_WITHIN)
    else:
        base_first = first_response_due(cal, received)
    base_resolution = business_add(
        cal, received, dt.timedelta(hours=resolution_hours(priority=concern.priority, category_id=concern.category_id))
    )
    pauses = _pauses(concern)
    concern.first_response_due_at = due_with_pauses(cal, received, base_first, pauses)
    concern.resolution_due_at = due_with_pauses(cal, received, base_resolution, pauses)
    if concern.promised_at is None:
        concern.promised_at = received
    previous = concern.due_at
    concern.due_at = current_due(concern)
    concern.inbox_due_at = inbox_due(concern)
    # A later due time is a new promise (the first response was given, the customer answered):
    # it starts on track, and the sweep judges it afresh. An earlier one keeps its state.
    if concern.due_at is not None and (previous is None or concern.due_at > previous):
        concern.sla_state = Concern.Sla.ON_TRACK


def current_due(concern: Concern) -> dt.datetime | None:
    """The due time the team works against now: first response until given, then resolution."""
    if not concern.is_open or concern.status == Concern.Status.WAITING_CUSTOMER:
        return None
    if concern.first_responded_at is None and concern.first_response_due_at is not None:
        return concern.first_response_due_at
    return concern.resolution_due_at


# Where paused concerns sort in the inbox: after everything that has a due time.
PAUSED_SORTS_AT = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)


def inbox_due(concern: Concern) -> dt.datetime | None:
    """The inbox's sort key: the due time, far in the future while paused, None once done."""
    if not concern.is_open:
        return None
    return concern.due_at or PAUSED_SORTS_AT


def share_used(concern: Concern, *, now: dt.datetime, calendar: BusinessCalendar | None = None) -> float | None:
    """How much of the promised business time is used up (0.0 … >1.0), or None without a due time."""
    if concern.due_at is None:
        return None
    cal = calendar or calendar_of(concern.team)
    total = business_between(cal, concern.received_at, concern.due_at)
    if total <= dt.timedelta(0):
        return 1.0 if now >= concern.due_at else 0.0
    used = business_between(cal, concern.received_at, min(now, concern.due_at))
    if now > concern.due_at:
        return 1.0 + (now - concern.due_at) / total
    return used / total


def acknowledgement_text(concern: Concern, *, calendar: BusinessCalendar | None = None) -> str:
    """"Sie erhalten spätestens am Montag, 28. Dezember, 18:00 Uhr eine Antwort." in the customer's language."""
    due = concern.first_response_due_at
    if due is None:
        return ""
    return promise_text(due, calendar or calendar_of(concern.team), concern.language)
