"""The order error rate: orders with at least one reported problem among the orders placed,
per month and per cause, in two queries whatever the number of orders or months.

An order counts in the month it was placed (in the configured time zone), and so do its
problems, whenever they were reported: the rate of a month says how many of that month's
orders went wrong. Drafts that were never placed do not count; cancelled orders do (they were
placed, and a wrong order is often cancelled). A cause counts each order once, however often
the same cause was reported for it; an order with two causes counts under both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kundennah.commerce.models import Order, OrderProblem

MAX_MONTHS = 36


@dataclass
class Month:
    month: dt.date
    orders: int = 0
    with_problems: int = 0
    causes: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal | None:
        """Share of orders with a problem, in percent with one decimal (None: no orders)."""
        return rate_of(self.with_problems, self.orders)


def rate_of(with_problems: int, orders: int) -> Decimal | None:
    if not orders:
        return None
    return (Decimal(with_problems) * 100 / orders).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def months_back(count: int, *, today: dt.date | None = None) -> list[dt.date]:
    """The first days of the last ``count`` months up to this one, oldest first."""
    first = (today or timezone.localdate(timezone=_zone())).replace(day=1)
    months = [first]
    while len(months) < count:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return sorted(months)


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def order_error_rate(*, months: int = 12, today: dt.date | None = None) -> list[Month]:
    """One row per month (oldest first) of the last ``months`` (1 to 36): orders placed, orders
    with a reported problem, the rate, and per cause the orders it was reported for."""
    zone = _zone()
    wanted = months_back(max(1, min(months, MAX_MONTHS)), today=today)
    since = dt.datetime.combine(wanted[0], dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(_next_month(wanted[-1]), dt.time.min, tzinfo=zone)
    placed = Order.objects.filter(placed_at__gte=since, placed_at__lt=until)
    rows: dict[dt.date | None, Month] = {month: Month(month) for month in wanted}
    counts = (placed.annotate(month=TruncMonth("placed_at", tzinfo=zone),
                              problem=Exists(OrderProblem.objects.filter(order=OuterRef("pk"))))
              .values("month", "problem").annotate(n=Count("id")).order_by())
    for row in counts:
        month = rows.get(_as_date(row["month"], zone))
        if month is None:
            continue
        month.orders += row["n"]
        if row["problem"]:
            month.with_problems += row["n"]
    causes = (OrderProblem.objects.filter(order__placed_at__gte=since, order__placed_at__lt=until)
              .annotate(month=TruncMonth("order__placed_at", tzinfo=zone))
              .values("month", "cause").annotate(n=Count("order_id", distinct=True)).order_by())
    for cause_row in causes:
        month = rows.get(_as_date(cause_row["month"], zone))
        if month is not None:
            month.causes[cause_row["cause"]] = cause_row["n"]
    return [rows[month] for month in wanted]


@dataclass(frozen=True)
class Totals:
    orders: int
    with_problems: int
    rate: Decimal | None
    causes: list[tuple[str, str, int]]  # value, label, orders


def totals_of(rows: list[Month]) -> Totals:
    orders = sum(row.orders for row in rows)
    with_problems = sum(row.with_problems for row in rows)
    causes = [(value, str(label), sum(row.causes.get(value, 0) for row in rows))
              for value, label in OrderProblem.Cause.choices]
    return Totals(orders, with_problems, rate_of(with_problems, orders), causes)


def error_rate_csv_rows(rows: list[Month]) -> list[list[Any]]:
    """Month, orders, orders with a problem, rate (German decimal comma), one column per cause."""
    def rate(value: Decimal | None) -> str:
        return "" if value is None else f"{value:.1f}".replace(".", ",")

    return [[row.month.strftime("%Y-%m"), row.orders, row.with_problems, rate(row.rate),
             *[row.causes.get(value, 0) for value in OrderProblem.Cause.values]] for row in rows]


def _as_date(value: dt.datetime | dt.date | None, zone: ZoneInfo) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(zone).date() if timezone.is_aware(value) else value.date()
    return value
