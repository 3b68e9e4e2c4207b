"""Reads of the timeline. Callers have already checked the user may see the customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from kundennah.customers.models import Customer
from kundennah.timeline.models import Interaction


@dataclass
class TimelinePage:
    items: list[Interaction]
    next_cursor: str | None


def _cursor_encode(item: Interaction) -> str:
    return f"{item.occurred_at.isoformat()}|{item.pk}"


def cursor_decode(cursor: str | None) -> tuple[dt.datetime, int] | None:
    if not cursor or "|" not in cursor:
        return None
    stamp, _sep, pk = cursor.rpartition("|")
    try:
        when = dt.datetime.fromisoformat(stamp)
        return (when, int(pk)) if when.tzinfo else None
    except ValueError:
        return None


def timeline_page(
    *, customer: Customer, channel: str | None = None, cursor: str | None = None, limit: int = 30
) -> TimelinePage:
    """Newest first, keyset-paginated so page 50 costs what page 1 costs."""
    query = Interaction.objects.filter(customer=customer).select_related("actor", "site")
    if channel:
        query = query.filter(channel=channel)
    after = cursor_decode(cursor)
    if after is not None:
        when, pk = after
        query = query.filter(Q(occurred_at__lt=when) | Q(occurred_at=when, pk__lt=pk))
    items = list(query.order_by("-occurred_at", "-id")[: limit + 1])
    next_cursor = _cursor_encode(items[limit - 1]) if len(items) > limit else None
    return TimelinePage(items=items[:limit], next_cursor=next_cursor)


def timeline_channel_counts(*, customer: Customer) -> dict[str, int]:
    rows = Interaction.objects.filter(customer=customer).values("channel").annotate(n=Count("id")).order_by()
    return {row["channel"]: row["n"] for row in rows}
