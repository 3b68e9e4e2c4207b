"""Drivers of bad balance, ranked by impact, from the balance cells of the last insights run.

For the chosen months (and team, channel, site), every value of every driver kind (a topic, a
category, a channel, a team, a site, a product) is compared with the average of all answers::

    gap     = overall mean balance − mean balance of the value's answers
    impact  = gap × (the value's answers / all answers)

The impact is how many points the overall balance would rise if that value's contacts were as
good as the average: how often × how much worse. Only values worse than average, with enough
answers to mean something, are drivers. Each comes with its trend (the same months before),
its months as a line, the customers' own words, the concerns behind it and a suggested action.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import rules
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kundennah.accounts.models import Team
from kundennah.commerce.models import Product
from kundennah.customers.models import Site
from kundennah.feedback.insights import latest_run
from kundennah.feedback.models import BalanceCell, InsightRun, Response, ResponseProduct
from kundennah.feedback.selectors import responses_visible_to
from kundennah.service.models import Category
from kundennah.timeline.models import Interaction

D = BalanceCell.Dimension
PERIODS = (1, 3, 6, 12)
DEFAULT_MONTHS = 6
MIN_ANSWERS = 5
RANKED = (D.TOPIC, D.CATEGORY, D.CHANNEL, D.TEAM, D.SITE, D.PRODUCT)

# Words in a driver's label or top terms → what to do about it. First match wins.
ACTIONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("rückruf", "zurückgerufen", "callback"),
     gettext_noop(
         "Follow every promised callback: each with a time and a person responsible, "
         "and a reminder before it is due.")),
    (("liefer", "spedition", "paket", "versand", "zugestellt", "delivery"),
     gettext_noop("Check delivery dates with the carrier, and tell customers about delays before they have to ask.")),
    (("rechnung", "gutschrift", "abbuch", "zahlung", "mahnung", "invoice"),
     gettext_noop(
         "Check the invoice runs: find double debits and missing credit notes and refund them without being asked.")),
    (("warte", "hotline", "erreich", "telefon", "warteschleife", "wait"),
     gettext_noop(
         "Make it easier to reach a person: offer a callback instead of a queue and check staffing at peak times.")),
    (("techniker", "monteur", "technician"),
     gettext_noop("Make technician visits reliable: give a time window and announce any delay in advance.")),
    (("toner", "tinte", "drucker", "patrone", "printer"),
     gettext_noop("Check the automatic reordering: thresholds and delivery times of the devices concerned.")),
    (("defekt", "beschädig", "kaputt", "falsch", "damaged", "wrong"),
     gettext_noop("Check picking and packing: stop wrong and damaged goods at the source.")),
    (("portal", "login", "passwort", "anmeld", "website"),
     gettext_noop(
         "Remove the obstacles in the portal: try the steps customers name together with them and simplify them.")),
    (("unfreundlich", "patzig", "tonfall", "rude"),
     gettext_noop("Talk about tone in the team and share good answers as templates.")),
)
FALLBACK_ACTIONS: dict[str, str] = {
    D.TOPIC: gettext_noop(
        "Read the quotes together with the team and decide on one change to the process behind “%(label)s”."),
    D.CATEGORY: gettext_noop(
        "Find a fix in the process for concerns of the category “%(label)s”, not only case by case."),
    D.CHANNEL: gettext_noop(
        "Check the channel “%(label)s”: where do customers get stuck? Look at response times and the way "
        "to a person."),
    D.TEAM: gettext_noop(
        "Go through the contacts with a bad balance with the team “%(label)s” and find the causes together."),
    D.SITE: gettext_noop(
        "Talk to the site “%(label)s”: what is different there?"),
    D.PRODUCT: gettext_noop(
        "Check the product “%(label)s”: quality, availability and delivery time."),
}


@dataclass(frozen=True)
class InsightFilter:
    months: int
    start: dt.date
    end: dt.date
    team_id: int | None = None
    channel: str = ""
    site_id: int | None = None

    @property
    def previous(self) -> InsightFilter:
        start = _add_months(self.start, -self.months)
        return InsightFilter(months=self.months, start=start, end=_add_months(self.start, -1),
                             team_id=self.team_id, channel=self.channel, site_id=self.site_id)

    def as_params(self) -> dict[str, Any]:
        return {"months": self.months, "team": self.team_id or "", "channel": self.channel, "site": self.site_id or ""}


def _add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def insight_filter(*, months: Any = None, team: Any = None, channel: Any = None, site: Any = None,
                   today: dt.date | None = None) -> InsightFilter:
    """The filter from request parameters; anything unknown falls back to 'all'."""
    try:
        count = int(months) if months not in (None, "") else DEFAULT_MONTHS
    except (TypeError, ValueError):
        count = DEFAULT_MONTHS
    count = count if count in PERIODS else DEFAULT_MONTHS
    end = (today or timezone.localdate()).replace(day=1)

    def as_id(value: Any) -> int | None:
        try:
            return int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            return None

    return InsightFilter(months=count, start=_add_months(end, -(count - 1)), end=end, team_id=as_id(team),
                         channel=channel if channel in Interaction.Channel.values else "", site_id=as_id(site))


@dataclass
class Quote:
    text: str
    balance: int
    contact_at: dt.datetime


@dataclass
class Driver:
    dimension: str
    value: str
    label: str
    answers: int
    mean: float
    gap: float
    impact: float
    negative_share: float
    fulfilment_rate: float
    previous_mean: float | None
    series: list[tuple[dt.date, float | None]] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    concerns: list[tuple[int, str]] = field(default_factory=list)
    action: str = ""

    @property
    def key(self) -> str:
        return f"{self.dimension}:{self.value}"

    @property
    def kind_label(self) -> str:
        return str(D(self.dimension).label)

    @property
    def trend(self) -> float | None:
        return None if self.previous_mean is None else round(self.mean - self.previous_mean, 1)


@dataclass
class Overview:
    filter: InsightFilter
    answers: int
    mean: float | None
    fulfilment_rate: float | None
    negative_share: float | None
    previous_mean: float | None
    monthly: list[dict[str, Any]]
    drivers: list[Driver]
    run: InsightRun | None
    topics: list[dict[str, Any]]


def _cells_visible(user: Any) -> QuerySet[BalanceCell]:
    # Same scope as answers: a lead sees their teams' answers and those without a team.
    responses_visible_to(user)
    cells = BalanceCell.objects.all()
    if rules.has_perm("service.see_all_teams", user):
        return cells
    return cells.filter(Q(team__in=user.teams.all()) | Q(team__isnull=True))


def _filtered(cells: QuerySet[BalanceCell], flt: InsightFilter) -> QuerySet[BalanceCell]:
    cells = cells.filter(month__gte=flt.start, month__lte=flt.end)
    if flt.team_id:
        cells = cells.filter(team_id=flt.team_id)
    if flt.channel:
        cells = cells.filter(channel=flt.channel)
    if flt.site_id:
        cells = cells.filter(site_id=flt.site_id)
    return cells


def _sums(cells: QuerySet[BalanceCell]) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    rows = cells.values("dimension", "value").annotate(
        n=Sum("answers"), total=Sum("balance_sum"), yes=Sum("fulfilled"), neg=Sum("negative"))
    return {(r["dimension"], r["value"]): (r["n"], r["total"], r["yes"], r["neg"]) for r in rows}


LIVE_FIELDS = {D.TOPIC: "topic", D.CATEGORY: "category_id", D.CHANNEL: "channel", D.TEAM: "team_id",
               D.PRODUCT: "products__product_id"}


def _sums_of_site(user: Any, flt: InsightFilter) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """For one site the cells hold only the site's total; its answers are few, so they are summed
    directly (by the site's index)."""
    responses = responses_of_driver(user=user, dimension=D.ALL, value="", flt=flt)
    sums: dict[tuple[str, str], tuple[int, int, int, int]] = {}
    for dimension, column in [(D.ALL, None), *LIVE_FIELDS.items()]:
        grouped = responses.values(column) if column else responses.values("site_id")
        rows: list[dict[str, Any]] = [dict(row) for row in grouped.annotate(
            n=Count("id"), total=Sum("balance"), yes=Count("id", filter=Q(fulfilled="yes")),
            neg=Count("id", filter=Q(balance__lt=0)))]
        for row in rows:
            value = "" if column is None else row[column]
            if column is not None and value in (None, ""):
                continue
            sums[(dimension, str(value))] = (row["n"], row["total"], row["yes"], row["neg"])
    return sums


def insights_overview(*, user: Any, flt: InsightFilter, limit: int = 8, details: bool = True) -> Overview:
    """Everything the insights page shows, in a fixed number of queries."""
    visible = _cells_visible(user)
    if flt.site_id:
        now_sums, before = _sums_of_site(user, flt), _sums_of_site(user, flt.previous)
    else:
        now_sums = _sums(_filtered(visible, flt))
        before = _sums(_filtered(visible, flt.previous).filter(dimension__in=[*RANKED, D.ALL]))
    run = latest_run()
    topics = (run.results.get("topics", []) if run else [])
    n, total, yes, neg = now_sums.get((D.ALL, ""), (0, 0, 0, 0))
    mean = total / n if n else None
    previous_all = before.get((D.ALL, ""))
    overview = Overview(
        filter=flt, answers=n, mean=mean, fulfilment_rate=yes / n if n else None,
        negative_share=neg / n if n else None,
        previous_mean=previous_all[1] / previous_all[0] if previous_all and previous_all[0] else None,
        monthly=_monthly(_filtered(visible, flt)), drivers=[], run=run, topics=topics,
    )
    if not n or mean is None:
        return overview
    floor = max(MIN_ANSWERS, round(n * 0.01))
    drivers = []
    for (dimension, value), (count, value_total, value_yes, value_neg) in now_sums.items():
        if dimension == D.ALL or count < floor:
            continue
        value_mean = value_total / count
        gap = mean - value_mean
        if gap <= 0:
            continue
        prior = before.get((dimension, value))
        drivers.append(Driver(
            dimension=dimension, value=value, label=value, answers=count, mean=round(value_mean, 1),
            gap=round(gap, 1), impact=round(gap * count / n, 2), negative_share=value_neg / count,
            fulfilment_rate=value_yes / count,
            previous_mean=round(prior[1] / prior[0], 1) if prior and prior[0] >= MIN_ANSWERS else None,
        ))
    drivers.sort(key=lambda d: (-d.impact, d.mean))
    overview.drivers = drivers[:limit]
    _label(overview.drivers, topics)
    if details:
        _series(overview.drivers, _filtered(visible, flt))
        _evidence(overview.drivers, user=user, flt=flt)
    return overview


def _monthly(cells: QuerySet[BalanceCell]) -> list[dict[str, Any]]:
    rows = cells.filter(dimension=D.ALL).values("month").annotate(
        n=Sum("answers"), total=Sum("balance_sum"), yes=Sum("fulfilled")).order_by("month")
    return [{"month": r["month"], "answers": r["n"], "mean": round(r["total"] / r["n"], 1),
             "fulfilment_rate": round(r["yes"] / r["n"], 3)} for r in rows if r["n"]]


def _label(drivers: list[Driver], topics: list[dict[str, Any]]) -> None:
    ids: dict[str, set[int]] = defaultdict(set)
    for driver in drivers:
        if driver.dimension in {D.TEAM, D.SITE, D.CATEGORY, D.PRODUCT}:
            ids[driver.dimension].add(int(driver.value))
    names: dict[str, dict[int, str]] = {
        D.TEAM: dict(Team.objects.filter(pk__in=ids[D.TEAM]).values_list("pk", "name")) if ids[D.TEAM] else {},
        D.SITE: dict(Site.objects.filter(pk__in=ids[D.SITE]).values_list("pk", "name")) if ids[D.SITE] else {},
        D.CATEGORY: dict(Category.objects.filter(pk__in=ids[D.CATEGORY]).values_list("pk", "name"))
        if ids[D.CATEGORY] else {},
        D.PRODUCT: dict(Product.objects.filter(pk__in=ids[D.PRODUCT]).values_list("pk", "name"))
        if ids[D.PRODUCT] else {},
    }
    topic_info = {t["key"]: t for t in topics}
    channels = dict(Interaction.Channel.choices)
    for driver in drivers:
        terms: list[str] = []
        if driver.dimension == D.TOPIC:
            info = topic_info.get(driver.value, {})
            driver.label = info.get("label") or driver.value
            terms = info.get("terms", [])
        elif driver.dimension == D.CHANNEL:
            driver.label = str(channels.get(driver.value, driver.value))
        else:
            driver.label = names[driver.dimension].get(int(driver.value), driver.value)
        driver.action = suggested_action(driver.dimension, driver.label, terms)


def suggested_action(dimension: str, label: str, terms: list[str]) -> str:
    words = " ".join([label, *terms]).lower()
    for keys, text in ACTIONS:
        if any(key in words for key in keys):
            return _(text)
    return _(FALLBACK_ACTIONS.get(dimension, FALLBACK_ACTIONS[D.TOPIC])) % {"label": label}


def _series(drivers: list[Driver], cells: QuerySet[BalanceCell]) -> None:
    if not drivers:
        return
    wanted = Q()
    for driver in drivers:
        wanted |= Q(dimension=driver.dimension, value=driver.value)
    points: dict[tuple[str, str], dict[dt.date, float]] = defaultdict(dict)
    for row in cells.filter(wanted).values("dimension", "value", "month").annotate(
            n=Sum("answers"), total=Sum("balance_sum")):
        points[(row["dimension"], row["value"])][row["month"]] = round(row["total"] / row["n"], 1)
    months = sorted({m for series in points.values() for m in series})
    for driver in drivers:
        series = points.get((driver.dimension, driver.value), {})
        driver.series = [(month, series.get(month)) for month in months]


def responses_of_driver(*, user: Any, dimension: str, value: str, flt: InsightFilter | None = None,
                        since: dt.datetime | None = None) -> QuerySet[Response]:
    """The answers behind one driver value (for quotes, concerns and the effect of a task)."""
    responses = responses_visible_to(user)
    if flt is not None:
        start = timezone.make_aware(dt.datetime.combine(flt.start, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(_add_months(flt.end, 1), dt.time.min))
        responses = responses.filter(contact_at__gte=start, contact_at__lt=end)
        if flt.team_id:
            responses = responses.filter(team_id=flt.team_id)
        if flt.channel:
            responses = responses.filter(channel=flt.channel)
        if flt.site_id:
            responses = responses.filter(site_id=flt.site_id)
    if since is not None:
        responses = responses.filter(contact_at__gte=since)
    field_of: dict[str, str] = {D.TOPIC: "topic", D.CHANNEL: "channel", D.TEAM: "team_id", D.SITE: "site_id",
                D.CATEGORY: "category_id", D.PRODUCT: "products__product_id"}
    if dimension in field_of:
        responses = responses.filter(**{field_of[dimension]: value})
    return responses


EVIDENCE_POOL = 1500


def _evidence(drivers: list[Driver], *, user: Any, flt: InsightFilter) -> None:
    """Quotes and concerns for all drivers from one read of the period's worst answers: the
    answers behind a driver of bad balance are mostly among them."""
    if not drivers:
        return
    pool: list[dict[str, Any]] = [dict(row) for row in (
        responses_of_driver(user=user, dimension=D.ALL, value="", flt=flt).filter(balance__lt=0)
        .order_by("balance", "sentiment_score", "-contact_at")
        .values("id", "comment", "balance", "contact_at", "topic", "category_id", "channel", "team_id", "site_id",
                "survey__concern_id", "survey__concern__reference")[:EVIDENCE_POOL]
    )]
    products: dict[int, set[str]] = defaultdict(set)
    if any(d.dimension == D.PRODUCT for d in drivers):
        for response_id, product_id in ResponseProduct.objects.filter(
                response_id__in=[row["id"] for row in pool]).values_list("response_id", "product_id"):
            products[response_id].add(str(product_id))
    column: dict[str, str] = {D.TOPIC: "topic", D.CATEGORY: "category_id", D.CHANNEL: "channel",
                              D.TEAM: "team_id", D.SITE: "site_id"}
    for driver in drivers:
        if driver.dimension == D.PRODUCT:
            members = [row for row in pool if driver.value in products.get(row["id"], ())]
        else:
            members = [row for row in pool if str(row[column[driver.dimension]]) == driver.value]
        driver.quotes = [Quote(text=row["comment"][:400], balance=row["balance"], contact_at=row["contact_at"])
                         for row in members if row["comment"]][:3]
        seen: list[tuple[int, str]] = []
        for row in sorted(members, key=lambda r: r["contact_at"], reverse=True):
            if row["survey__concern_id"] and (row["survey__concern_id"], row["survey__concern__reference"]) not in seen:
                seen.append((row["survey__concern_id"], row["survey__concern__reference"]))
            if len(seen) == 5:
                break
        driver.concerns = seen
        if not driver.quotes:
            # Not among the period's very worst: its own worst words, by a query of its own.
            behind = responses_of_driver(user=user, dimension=driver.dimension, value=driver.value, flt=flt)
            driver.quotes = [Quote(text=text[:400], balance=balance, contact_at=at) for text, balance, at in
                             behind.exclude(comment="").order_by("balance", "sentiment_score")
                             .values_list("comment", "balance", "contact_at")[:3]]


def balance_of_driver(*, user: Any, dimension: str, value: str, since: dt.datetime) -> tuple[float | None, int]:
    """Mean balance and number of a driver's answers since a moment (a task's baseline and effect)."""
    row = responses_of_driver(user=user, dimension=dimension, value=value, since=since).aggregate(
        mean=Avg("balance"), answers=Count("id"))
    return (None if row["mean"] is None else round(row["mean"], 1)), row["answers"]


def driver_action_effects(*, user: Any, actions: list[Any]) -> list[dict[str, Any]]:
    """Each task with the mean balance of its driver's contacts since it was made, against before."""
    rows = []
    for action in actions:
        mean, answers = balance_of_driver(user=user, dimension=action.dimension, value=action.value,
                                          since=action.created_at)
        rows.append({"action": action, "answers": answers, "mean": mean,
                     "change": None if mean is None else round(mean - action.baseline_balance, 1)})
    return rows
