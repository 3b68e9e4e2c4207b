"""Measures of the service desk: how fast, how reliably, how much is waiting.

For concerns received in a period (optionally one team, channel or category):

- first response time and resolution time, median and 90th percentile, in wall-clock hours and
  in business hours of the concern's team;
- promise kept: the share of first responses given by their due time, overall and by team,
  channel and category (a concern still within its time counts neither way);
- time to a human: receipt until a person answered or called back, overall and for callbacks;
- the backlog now: open concerns by status and by age.

Counts and shares are aggregate queries in the database; percentiles need the single values,
which come from one query (PostgreSQL could do them with ``percentile_cont``, SQLite cannot).
The whole set costs a fixed number of queries, whatever the number of concerns.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.service.calendar import business_between
from kundennah.service.models import Concern
from kundennah.service.promise import calendars_of
from kundennah.timeline.models import Interaction

HOUR = dt.timedelta(hours=1)
# Backlog age buckets: (label, lower bound inclusive, upper bound exclusive or None).
AGE_BUCKETS: tuple[tuple[Any, dt.timedelta, dt.timedelta | None], ...] = (
    (_("under 1 day"), dt.timedelta(0), dt.timedelta(days=1)),
    (_("1–2 days"), dt.timedelta(days=1), dt.timedelta(days=2)),
    (_("2–7 days"), dt.timedelta(days=2), dt.timedelta(days=7)),
    (_("1–4 weeks"), dt.timedelta(days=7), dt.timedelta(days=28)),
    (_("over 4 weeks"), dt.timedelta(days=28), None),
)


@dataclass(frozen=True)
class MeasuresQuery:
    date_from: dt.date
    date_to: dt.date  # inclusive
    team_id: int | None = None
    channel: str = ""
    category_id: int | None = None

    @classmethod
    def last_days(cls, days: int = 30, *, today: dt.date | None = None) -> MeasuresQuery:
        today = today or timezone.localdate()
        return cls(date_from=today - dt.timedelta(days=days - 1), date_to=today)


@dataclass
class Durations:
    """Median and 90th percentile of a set of durations, in hours."""

    count: int = 0
    median_hours: float | None = None
    p90_hours: float | None = None
    median_business_hours: float | None = None
    p90_business_hours: float | None = None


@dataclass
class Kept:
    label: str
    kept: int
    total: int

    @property
    def share(self) -> float | None:
        return round(100 * self.kept / self.total, 1) if self.total else None


@dataclass
class Measures:
    query: MeasuresQuery
    received: int = 0
    first_response: Durations = field(default_factory=Durations)
    resolution: Durations = field(default_factory=Durations)
    to_human: Durations = field(default_factory=Durations)
    to_human_callbacks: Durations = field(default_factory=Durations)
    kept: Kept = field(default_factory=lambda: Kept("", 0, 0))
    kept_by_team: list[Kept] = field(default_factory=list)
    kept_by_channel: list[Kept] = field(default_factory=list)
    kept_by_category: list[Kept] = field(default_factory=list)
    backlog_by_status: list[tuple[str, int]] = field(default_factory=list)
    backlog_by_age: list[tuple[str, int]] = field(default_factory=list)

    @property
    def backlog(self) -> int:
        return sum(count for _label, count in self.backlog_by_status)


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0…1) of ``values``: a value that really occurred."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _hours(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(statistics.median(values), 2), round(percentile(values, 0.9) or 0.0, 2)


def _durations(pairs: list[tuple[dt.datetime, dt.datetime, Any]], calendars: dict[Any, Any]) -> Durations:
    wall = [(end - start) / HOUR for start, end, _team in pairs if end >= start]
    business = [
        business_between(calendars.get(team) or calendars[None], start, end) / HOUR
        for start, end, team in pairs if end >= start
    ]
    median, p90 = _hours(wall)
    b_median, b_p90 = _hours(business)
    return Durations(count=len(wall), median_hours=median, p90_hours=p90,
                     median_business_hours=b_median, p90_business_hours=b_p90)


def _filtered(concerns: QuerySet[Concern], query: MeasuresQuery) -> QuerySet[Concern]:
    if query.team_id:
        concerns = concerns.filter(team_id=query.team_id)
    if query.channel:
        concerns = concerns.filter(channel=query.channel)
    if query.category_id:
        concerns = concerns.filter(category_id=query.category_id)
    # Merged concerns live on in the concern they were merged into: counted once.
    return concerns.filter(merged_into__isnull=True)


def _period(query: MeasuresQuery) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(query.date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(query.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _kept_rows(concerns: QuerySet[Concern], key: str, labels: dict[Any, str], judged: Q) -> list[Kept]:
    rows = concerns.values(key).annotate(kept=Count("id", filter=_KEPT), total=Count("id", filter=judged))
    out = [Kept(labels.get(row[key], str(row[key] or _("none"))), row["kept"], row["total"]) for row in rows]
    return sorted((row for row in out if row.total), key=lambda row: row.label.casefold())


# A first response on time keeps the promise; none given and the time run out breaks it.
_KEPT = Q(first_responded_at__isnull=False) & (
    Q(first_response_due_at__isnull=True) | Q(first_responded_at__lte=F("first_response_due_at"))
)


def measures_compute(*, query: MeasuresQuery, visible: QuerySet[Concern], now: dt.datetime | None = None) -> Measures:
    """All measures for ``query`` over the concerns in ``visible`` (the caller scopes by permission)."""
    now = now or timezone.now()
    judged = Q(first_responded_at__isnull=False) | Q(first_response_due_at__lt=now)
    start, end = _period(query)
    base = _filtered(visible, query)
    period = base.filter(received_at__gte=start, received_at__lt=end)
    result = Measures(query=query)

    # 1 query: the single times for the percentiles.
    rows = list(period.values_list(
        "team_id", "kind", "received_at", "first_responded_at", "resolved_at", "human_reached_at",
    ))
    result.received = len(rows)
    # 2 queries: the business calendars of the teams seen.
    calendars = calendars_of({row[0] for row in rows})
    result.first_response = _durations([(r[2], r[3], r[0]) for r in rows if r[3]], calendars)
    result.resolution = _durations([(r[2], r[4], r[0]) for r in rows if r[4]], calendars)
    result.to_human = _durations([(r[2], r[5], r[0]) for r in rows if r[5]], calendars)
    result.to_human_callbacks = _durations(
        [(r[2], r[5], r[0]) for r in rows if r[5] and r[1] == Concern.Kind.CALLBACK], calendars)

    # 4 queries: promise kept overall and by team, channel, category (names joined in).
    overall = period.aggregate(kept=Count("id", filter=_KEPT), total=Count("id", filter=judged))
    result.kept = Kept(str(_("All")), overall["kept"], overall["total"])
    team_names = dict(period.order_by().values_list("team_id", "team__name").distinct())
    category_names = dict(period.order_by().values_list("category_id", "category__name").distinct())
    channels = {value: str(label) for value, label in Interaction.Channel.choices}
    result.kept_by_team = _kept_rows(period, "team_id", {k: v for k, v in team_names.items() if k}, judged)
    result.kept_by_channel = _kept_rows(period, "channel", channels, judged)
    result.kept_by_category = _kept_rows(period, "category_id", {k: v for k, v in category_names.items() if k}, judged)

    # 2 queries: the backlog now, whenever it came in.
    open_now = base.filter(status__in=Concern.OPEN_STATES)
    statuses = dict(open_now.values_list("status").annotate(n=Count("id")))
    result.backlog_by_status = [(str(label), statuses.get(value, 0)) for value, label in Concern.Status.choices
                                if value in Concern.OPEN_STATES]
    ages: dict[str, Any] = {}
    for index, (_label, low, high) in enumerate(AGE_BUCKETS):
        condition = Q(received_at__lte=now - low)
        if high is not None:
            condition &= Q(received_at__gt=now - high)
        ages[f"b{index}"] = Count("id", filter=condition)
    counted = open_now.aggregate(**ages)
    result.backlog_by_age = [(str(label), counted[f"b{i}"]) for i, (label, _low, _high) in enumerate(AGE_BUCKETS)]
    return result


def measures_rows(measures: Measures) -> list[list[Any]]:
    """The measures as rows for a CSV: section, group, measure, value."""
    def hours(value: float | None) -> str:
        return "" if value is None else f"{value:.2f}".replace(".", ",")

    rows: list[list[Any]] = [[_("Received"), _("All"), _("Concerns"), measures.received]]
    for section, durations in (
        (_("First response"), measures.first_response), (_("Resolution"), measures.resolution),
        (_("Time to a human"), measures.to_human), (_("Time to a human (callbacks)"), measures.to_human_callbacks),
    ):
        rows += [
            [section, _("All"), _("Count"), durations.count],
            [section, _("All"), _("Median (hours)"), hours(durations.median_hours)],
            [section, _("All"), _("90th percentile (hours)"), hours(durations.p90_hours)],
            [section, _("All"), _("Median (business hours)"), hours(durations.median_business_hours)],
            [section, _("All"), _("90th percentile (business hours)"), hours(durations.p90_business_hours)],
        ]
    for group, kept_rows in ((_("All"), [measures.kept]), (_("Team"), measures.kept_by_team),
                             (_("Channel"), measures.kept_by_channel), (_("Category"), measures.kept_by_category)):
        for kept in kept_rows:
            label = group if kept is measures.kept else f"{group}: {kept.label}"
            share = "" if kept.share is None else f"{kept.share:.1f}".replace(".", ",")
            rows += [
                [_("Promise kept"), label, _("Kept"), kept.kept],
                [_("Promise kept"), label, _("Judged"), kept.total],
                [_("Promise kept"), label, _("Share (%)"), share],
            ]
    for label, count in measures.backlog_by_status:
        rows.append([_("Backlog"), _("Status"), label, count])
    for label, count in measures.backlog_by_age:
        rows.append([_("Backlog"), _("Age"), label, count])
    return [[str(cell) if not isinstance(cell, int) else cell for cell in row] for row in rows]
