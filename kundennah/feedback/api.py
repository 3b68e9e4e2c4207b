"""API v1 for feedback: answers and balances (for a data warehouse), and the ranked drivers.

Reads go through the same permission-scoped selectors and the same driver ranking as the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from kundennah.core.api import ERRORS_READ, ErrorOut
from kundennah.core.permissions import require_perm
from kundennah.feedback.drivers import PERIODS, insight_filter, insights_overview
from kundennah.feedback.models import CustomerBalance
from kundennah.feedback.selectors import responses_visible_to

insights_router = Router(tags=["feedback"])
feedback_router = Router(tags=["feedback"])
READ = {**ERRORS_READ, 422: ErrorOut}


class DriversQuery(Schema):
    months: int = Field(6, description=f"Period in months up to this one: one of {', '.join(map(str, PERIODS))}")
    team: int | None = None
    channel: str = Field("", max_length=20)
    site: int | None = None
    limit: int = Field(10, ge=1, le=50)


class QuoteOut(Schema):
    text: str
    balance: int
    contact_at: dt.datetime


class ConcernRefOut(Schema):
    id: int
    reference: str


class MonthMeanOut(Schema):
    month: dt.date
    mean: float | None


class DriverOut(Schema):
    key: str = Field(..., description="kind:value, stable between runs for categories, channels, teams, sites, "
                                      "products; topics change when they are found anew")
    kind: str = Field(..., description="topic | category | channel | team | site | product")
    value: str
    label: str
    answers: int
    mean: float = Field(..., description="Mean balance of these contacts (−100…100)")
    gap: float = Field(..., description="How far below the overall mean")
    impact: float = Field(..., description="Points the overall balance would rise if these contacts were average")
    trend: float | None = Field(..., description="Mean now minus mean in the period before")
    fulfilment_rate: float
    negative_share: float
    suggested_action: str
    quotes: list[QuoteOut]
    concerns: list[ConcernRefOut]
    series: list[MonthMeanOut]


class DriversOut(Schema):
    start: dt.date
    end: dt.date
    answers: int
    mean: float | None
    previous_mean: float | None
    fulfilment_rate: float | None
    computed_at: dt.datetime | None
    drivers: list[DriverOut]


@insights_router.get("/drivers", response={200: DriversOut, **READ}, summary="Drivers of bad balance, by impact")
def drivers(request: HttpRequest, filters: Query[DriversQuery]) -> DriversOut:
    require_perm(request.user, "feedback.view_insights")
    flt = insight_filter(months=filters.months, team=filters.team, channel=filters.channel, site=filters.site)
    o = insights_overview(user=request.user, flt=flt, limit=filters.limit)
    return DriversOut(
        start=flt.start, end=flt.end, answers=o.answers, mean=None if o.mean is None else round(o.mean, 1),
        previous_mean=None if o.previous_mean is None else round(o.previous_mean, 1),
        fulfilment_rate=None if o.fulfilment_rate is None else round(o.fulfilment_rate, 3),
        computed_at=o.run.finished_at if o.run else None,
        drivers=[DriverOut(
            key=d.key, kind=d.dimension, value=d.value, label=d.label, answers=d.answers, mean=d.mean, gap=d.gap,
            impact=d.impact, trend=d.trend, fulfilment_rate=round(d.fulfilment_rate, 3),
            negative_share=round(d.negative_share, 3), suggested_action=d.action,
            quotes=[QuoteOut(text=q.text, balance=q.balance, contact_at=q.contact_at) for q in d.quotes],
            concerns=[ConcernRefOut(id=i, reference=r) for i, r in d.concerns],
            series=[MonthMeanOut(month=m, mean=v) for m, v in d.series],
        ) for d in o.drivers],
    )


class ResponsesQuery(Schema):
    since: AwareDatetime | None = Field(None, description="Contacts from this time on")
    cursor: int | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(200, ge=1, le=1000)


class ResponseOut(Schema):
    id: int
    survey_id: int
    trigger: str
    concern_id: int | None
    concern_reference: str | None
    order_id: int | None
    customer_id: int | None
    site_id: int | None
    team_id: int | None
    channel: str
    category_id: int | None
    contact_at: dt.datetime
    answered_at: dt.datetime
    changed_at: dt.datetime
    fulfilled: str
    feeling: int = Field(..., description="1 very bad … 5 very good")
    balance: int
    comment: str = Field(..., description="Plain text as the customer typed it; escape it when you show it")
    sentiment: str
    topic: str
    follow_up_concern_id: int | None


class ResponsesOut(Schema):
    items: list[ResponseOut]
    next_cursor: int | None


@feedback_router.get("/responses", response={200: ResponsesOut, **READ}, summary="Survey answers, oldest first")
def responses(request: HttpRequest, filters: Query[ResponsesQuery]) -> ResponsesOut:
    require_perm(request.user, "feedback.export_feedback")
    rows = responses_visible_to(request.user).select_related("survey", "survey__concern").order_by("id")
    if filters.since:
        rows = rows.filter(contact_at__gte=filters.since)
    if filters.cursor:
        rows = rows.filter(id__gt=filters.cursor)
    page = list(rows[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return ResponsesOut(items=[ResponseOut(
        id=r.pk, survey_id=r.survey_id, trigger=r.trigger, concern_id=r.survey.concern_id,
        concern_reference=r.survey.concern.reference if r.survey.concern else None, order_id=r.survey.order_id,
        customer_id=r.customer_id, site_id=r.site_id, team_id=r.team_id, channel=r.channel,
        category_id=r.category_id, contact_at=r.contact_at, answered_at=r.answered_at, changed_at=r.changed_at,
        fulfilled=r.fulfilled, feeling=r.feeling, balance=r.balance, comment=r.comment, sentiment=r.sentiment,
        topic=r.topic, follow_up_concern_id=r.follow_up_id,
    ) for r in page], next_cursor=page[-1].pk if more else None)


class BalancesQuery(Schema):
    cursor: int | None = None
    limit: int = Field(500, ge=1, le=2000)


class CustomerBalanceOut(Schema):
    customer_id: int
    running: float
    change: float | None
    trend: str
    answers: int
    last_contact_at: dt.datetime


class BalancesOut(Schema):
    items: list[CustomerBalanceOut]
    next_cursor: int | None


@feedback_router.get("/balances", response={200: BalancesOut, **READ}, summary="Running balance per customer")
def balances(request: HttpRequest, filters: Query[BalancesQuery]) -> BalancesOut:
    from kundennah.feedback.balance import Standing

    require_perm(request.user, "feedback.export_feedback")
    visible = responses_visible_to(request.user).values("customer_id")
    rows: Any = CustomerBalance.objects.filter(customer_id__in=visible).order_by("customer_id")
    if filters.cursor:
        rows = rows.filter(customer_id__gt=filters.cursor)
    page = list(rows[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    items = []
    for row in page:
        standing = Standing(running=row.running, earlier=row.earlier, answers=row.answers)
        change = standing.change
        items.append(CustomerBalanceOut(
            customer_id=row.customer_id, running=round(row.running, 1),
            change=None if change is None else round(change, 1), trend=standing.trend, answers=row.answers,
            last_contact_at=row.last_contact_at))
    return BalancesOut(items=items, next_cursor=page[-1].customer_id if more else None)
