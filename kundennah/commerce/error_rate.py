"""The order error rate: orders with at least one reported problem among the orders placed,
per month and per cause, in three queries whatever the number of orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef
from django.db.models.functions import TruncMonth
from django.utils import timezone

from kundennah.commerce.models import Order, OrderProblem, OrderStatus


@dataclass
class Month:
    month: dt.date
    orders: int = 0
    with_problems: int = 0
    causes: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> Decimal:
        """Share of orders with a problem, in percent with one decimal."""
        if not self.orders:
            return Decimal("0.0")
        return (Decimal(self.with_problems) * 100 / self.orders).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(count: int, *, today: dt.date | None = None) -> list[dt.date]:
    first = _month_start(today or timezone.localdate())
    months = [first]
    while len(months) < count:
        previous = months[-1] - dt.timedelta(days=1)
        months.append(previous.replace(day=1))
    return sorted(months)


def order_error_rate(*, months: int = 12, today: dt.date | None = None) -> list[Month]:
    """One row per month (oldest first) of the last ``months``: orders placed, orders with a
    reported problem, the rate, and how often each cause was reported for them."""
    wanted = months_back(months, today=today)
    since = timezone.make_aware(dt.datetime.combine(wanted[0], dt.time.min))
    placed = Order.objects.filter(placed_at__gte=since).exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
    rows: dict[dt.date | None, Month] = {month: Month(month) for month in wanted}
    problems = OrderProblem.objects.filter(order=OuterRef("pk"))
    counts = (placed.annotate(month=TruncMonth("placed_at"), problem=Exists(problems)).values("month", "problem")
              .annotate(n=Count("id")))
    for row in counts:
        month = rows.get(_as_date(row["month"]))
        if month is None:
            continue
        month.orders += row["n"]
        if row["problem"]:
            month.with_problems += row["n"]
    causes = (OrderProblem.objects.filter(order__in=placed).annotate(month=TruncMonth("order__placed_at"))
              .values("month", "cause").annotate(n=Count("order_id", distinct=True)))
    for cause_row in causes:
        month = rows.get(_as_date(cause_row["month"]))
        if month is not None:
            month.causes[cause_row["cause"]] = cause_row["n"]
    return [rows[month] for month in wanted]  # every wanted month has its row


def _as_date(value: dt.datetime | dt.date | None) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value
