"""The service desk's configuration as one read-only snapshot per process.

Every concern taken in needs the routing rules, the teams, the team's business calendar and
the resolution targets. They change a few times a year and are read on every intake, so each
process keeps them in memory instead of asking the database each time (four queries less per
concern).

Staying true across processes: a change to any of these tables (admin, API, shell) bumps a
generation number in the shared cache once the change is committed, and every process
compares its snapshot's generation with that number before use (one cache read). The
snapshot also expires after ``MAX_AGE`` so a cache that lost the number cannot keep a process
on old settings for long. Tests clear the snapshot between cases (conftest), as Django does
for its content types.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from kundennah.accounts.models import Team
from kundennah.service.calendar import BusinessCalendar

GENERATION_KEY = "service:configuration:generation"
MAX_AGE = 60.0  # seconds


@dataclass(frozen=True)
class Rule:
    channel: str
    category_id: int | None
    customer_id: int | None
    site_id: int | None
    team_id: int

    def matches(self, *, channel: str, category_id: int | None, customer_id: int | None, site_id: int | None) -> bool:
        return (
            (not self.channel or self.channel == channel)
            and (self.category_id is None or self.category_id == category_id)
            and (self.customer_id is None or self.customer_id == customer_id)
            and (self.site_id is None or self.site_id == site_id)
        )


@dataclass
class Snapshot:
    generation: Any
    loaded_at: float
    rules: list[Rule]
    teams: dict[int, Team]
    default_team_id: int | None
    calendars: dict[int, BusinessCalendar]
    default_calendar: BusinessCalendar
    # (priority, category_id or None) -> business hours
    resolution_hours: dict[tuple[str, int | None], int] = field(default_factory=dict)


_lock = threading.Lock()
_snapshot: Snapshot | None = None
_uncommitted = threading.local()


def _load(generation: Any) -> Snapshot:
    # Imported here: promise imports this module.
    from kundennah.service.models import ResolutionTarget, RoutingRule, TeamCalendar
    from kundennah.service.promise import calendar_from

    teams = {team.pk: team for team in Team.objects.order_by("name")}
    default_team_id = None
    if settings.KUNDENNAH_DEFAULT_TEAM:
        default_team_id = next((pk for pk, team in teams.items() if team.name == settings.KUNDENNAH_DEFAULT_TEAM), None)
    if default_team_id is None and teams:
        default_team_id = next(iter(teams))
    rules = [
        Rule(
            channel=rule.channel,
            category_id=rule.category_id,
            customer_id=rule.customer_id,
            site_id=rule.site_id,
            team_id=rule.team_id,
        )
        for rule in RoutingRule.objects.filter(active=True).order_by("position", "id")
    ]
    calendars = {
        config.team_id: calendar_from(config)
        for config in TeamCalendar.objects.prefetch_related("closing_days").order_by("id")
    }
    return Snapshot(
        generation=generation,
        loaded_at=time.monotonic(),
        rules=rules,
        teams=teams,
        default_team_id=default_team_id,
        calendars=calendars,
        default_calendar=calendar_from(None),
        resolution_hours={
            (row.priority, row.category_id): row.business_hours for row in ResolutionTarget.objects.all()
        },
    )


def current() -> Snapshot:
    """The snapshot, reloaded when another process changed the configuration or it got old."""
    global _snapshot
    generation = cache.get(GENERATION_KEY)
    snapshot = _snapshot
    if snapshot is not None and snapshot.generation == generation and time.monotonic() - snapshot.loaded_at < MAX_AGE:
        return snapshot
    # Inside a transaction that changed the configuration the snapshot must see the change,
    # but must not outlive a rollback: this thread keeps it only for exactly the changes now
    # pending (a rolled-back savepoint takes its changes off that list, a new change adds one).
    pending = _pending_changes()
    if pending:
        kept = getattr(_uncommitted, "snapshot", None)
        if (
            kept is None
            or kept[1].generation != generation
            or len(kept[0]) != len(pending)
            or any(a is not b for a, b in zip(kept[0], pending, strict=True))
        ):
            kept = _uncommitted.snapshot = (pending, _load(generation))
        return kept[1]
    with _lock:
        _snapshot = _load(generation)
        return _snapshot


def clear() -> None:
    """Forget this process's snapshot (tests; after a change in this process)."""
    global _snapshot
    _snapshot = None
    _uncommitted.snapshot = None


def _bump_generation() -> None:
    clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def _pending_changes() -> list[Any]:
    # The bump waits in Django's on-commit list until the change is committed; a rollback
    # takes it off that list, so the list says exactly which changes are still uncommitted.
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return []
    return [entry for entry in connection.run_on_commit if entry[1] is _bump_generation]


def _changed(**_kwargs: Any) -> None:
    clear()
    transaction.on_commit(_bump_generation)


def connect_signals() -> None:
    from kundennah.service.models import ClosingDay, ResolutionTarget, RoutingRule, TeamCalendar

    for model in (Team, RoutingRule, TeamCalendar, ClosingDay, ResolutionTarget):
        post_save.connect(_changed, sender=model, dispatch_uid=f"service-configuration-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"service-configuration-delete-{model.__name__}")


def calendar_for(team_id: int | None) -> BusinessCalendar:
    snapshot = current()
    if team_id is None:
        return snapshot.default_calendar
    return snapshot.calendars.get(team_id, snapshot.default_calendar)
