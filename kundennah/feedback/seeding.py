"""A year of feedback fast: realistic German comments and answered surveys in bulk.

The answer service scores the tone, writes the timeline, the outbox and perhaps a follow-up
concern for every answer: right for real answers, far too slow for a hundred thousand. This
generator writes survey and answer rows in batches of plain inserts (``executemany`` on SQLite,
``COPY`` on PostgreSQL), the customers' running balances computed once at the end, and leaves
tone and topic empty for the insights run.

The data tells a story, so the insights page has something to say:

- delivery delays at one site (Bäckerei Sonnenkorn's Filiale Schwabing when it exists) grow over
  the last three months;
- the phone channel brings complaints about waiting times at the hotline;
- the invoice category is full of double invoices and missing credit notes;
- one team (Technikservice when it exists) is friendly and has a high balance;
- one product (the toner) has problems.

Comments are built from templates per theme and tone with fillers, a few rough edges (typos,
lower case, no umlauts) and about 8 % in English. Most comments fit the answer; a few do not,
as in real life.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from kundennah.accounts.models import Team
from kundennah.commerce.models import Product
from kundennah.core.sequences import counter_take
from kundennah.customers.models import ContactPoint, Customer, Site
from kundennah.feedback.balance import contact_balance, standing_of
from kundennah.feedback.links import survey_key_new
from kundennah.feedback.models import CustomerBalance, Response, ResponseProduct, Survey
from kundennah.feedback.seeding_texts import CLOSERS_DE, CONCERN_TEXTS, DE, EN, FILLERS, OPENERS_DE
from kundennah.service.models import Category, Concern, Message
from kundennah.timeline.models import Interaction

THEMES: tuple[str, ...] = tuple(DE)
TONES = ("positive", "negative", "neutral")
ENGLISH_SHARE = 0.08
MISMATCH_SHARE = 0.04
BATCH = 2_000
STORY_SITE_SHARE = 0.03
STORY_RECENT_DAYS = 91

# Answers that fit a tone: (fulfilled, feeling) with weights.
_ANSWERS: dict[str, tuple[tuple[tuple[str, int], int], ...]] = {
    "negative": ((("no", 1), 30), (("no", 2), 30), (("no", 3), 8), (("partly", 1), 14), (("partly", 2), 18)),
    "neutral": ((("partly", 3), 35), (("partly", 4), 20), (("yes", 3), 25), (("yes", 2), 10), (("no", 4), 10)),
    "positive": ((("yes", 5), 50), (("yes", 4), 38), (("partly", 5), 6), (("yes", 3), 6)),
}
# How often a contact about a theme goes badly, before the story's twists.
_NEGATIVE: dict[str, float] = {
    "delivery": 0.35, "goods": 0.5, "invoice": 0.5, "hotline": 0.8, "staff": 0.05, "portal": 0.4,
    "technician": 0.3, "toner": 0.3, "callback": 0.65, "general": 0.15,
}
_COMMENTED = {"negative": 0.85, "neutral": 0.5, "positive": 0.55}
_CHANNELS = (
    (Interaction.Channel.EMAIL, 40), (Interaction.Channel.WEBFORM, 15), (Interaction.Channel.PHONE, 25),
    (Interaction.Channel.PORTAL, 8), (Interaction.Channel.LETTER, 4), (Interaction.Channel.CHAT, 6),
    (Interaction.Channel.SOCIAL, 2),
)
_ORDER_THEMES = (("delivery", 35), ("goods", 18), ("portal", 20), ("staff", 10), ("general", 17))
_CALLBACK_THEMES = (("callback", 60), ("staff", 20), ("general", 20))
_CATEGORY_THEMES: dict[str, tuple[tuple[str, int], ...]] = {
    "rechnung": (("invoice", 70), ("staff", 15), ("general", 15)),
    "lieferung": (("delivery", 50), ("goods", 30), ("staff", 10), ("general", 10)),
    "technik": (("technician", 50), ("portal", 25), ("toner", 10), ("staff", 10), ("general", 5)),
}
_OTHER_THEMES = (("staff", 35), ("callback", 12), ("general", 25), ("portal", 10), ("invoice", 10),
                 ("technician", 8))


# --- Comments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class GeneratedComment:
    text: str
    theme: str
    tone: str  # positive / negative / neutral
    language: str  # de / en


def _fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    text = template.format(**{key: rng.choice(values) for key, values in FILLERS.items()})
    return text[:1].upper() + text[1:]


def _roughen(rng: random.Random, text: str) -> str:
    """Real comments are typed on phones: lower case, no umlauts, a swapped letter, no full stop."""
    if rng.random() < 0.06:
        text = text.lower()
    if rng.random() < 0.04:
        text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    if rng.random() < 0.06:
        words = text.split(" ")
        long_ones = [i for i, word in enumerate(words) if len(word) > 5 and word.isalpha()]
        if long_ones:
            i = rng.choice(long_ones)
            word = words[i]
            j = rng.randrange(1, len(word) - 2)
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2:]
            text = " ".join(words)
    if rng.random() < 0.1 and text.endswith("."):
        text = text[:-1]
    return text


def comment_make(rng: random.Random, *, theme: str, tone: str, english: bool = False) -> str:
    """One comment about ``theme`` in ``tone``."""
    index = TONES.index(tone)
    if english:
        return _fill(rng, rng.choice(EN[theme][index]))
    pool = DE[theme][index]
    text = _fill(rng, rng.choice(pool))
    if theme != "general" and rng.random() < 0.25 and len(pool) > 1:
        # A longer one: a second sentence on the same theme.
        second = _fill(rng, rng.choice(pool))
        if second != text:
            text = f"{text.rstrip('.!')}. {second}"
    if theme != "general" and rng.random() < 0.3:
        closer = rng.choice(CLOSERS_DE[tone])
        if closer[:2].strip().isupper() and text[-1:] not in ".!?":
            text += "."
        text = rng.choice(OPENERS_DE) + text + closer
    return _roughen(rng, text)


def comments_generate(rng: random.Random, n: int, *, themes: Sequence[str] | None = None,
                      tones: Sequence[str] | None = None,
                      english_share: float = ENGLISH_SHARE) -> list[GeneratedComment]:
    """``n`` comments over the themes and tones, about ``english_share`` of them in English."""
    theme_pool = list(themes or THEMES)
    tone_pool = list(tones or TONES)
    result = []
    for _ in range(n):
        theme, tone = rng.choice(theme_pool), rng.choice(tone_pool)
        english = rng.random() < english_share
        result.append(GeneratedComment(comment_make(rng, theme=theme, tone=tone, english=english), theme, tone,
                                       "en" if english else "de"))
    return result


def tone_of_answer(*, fulfilled: str, feeling: int) -> str:
    balance = contact_balance(fulfilled=fulfilled, feeling=feeling)
    if fulfilled == "no" or balance < 0:
        return "negative"
    return "positive" if balance >= 50 else "neutral"


# --- The world the answers are about --------------------------------------------------------


@dataclass
class Story:
    """Where the data's story happens; any part may be missing (then that part is not told)."""

    site_id: int | None = None
    friendly_team_id: int | None = None
    invoice_category_id: int | None = None
    product_id: int | None = None


def story_resolve() -> Story:
    """The demo's story places when they exist, else the first that fit."""
    site = (Site.objects.filter(organisation__name="Bäckerei Sonnenkorn", name="Filiale Schwabing").first()
            or Site.objects.filter(is_active=True).order_by("id").first())
    teams = list(Team.objects.order_by("id"))
    friendly = next((t for t in teams if t.name == "Technikservice"), teams[-1] if len(teams) > 1 else None)
    invoice = Category.objects.filter(name__iexact="Rechnung").first()
    product = Product.objects.filter(sku__icontains="TONER").order_by("id").first()
    return Story(site_id=site.pk if site else None, friendly_team_id=friendly.pk if friendly else None,
                 invoice_category_id=invoice.pk if invoice else None, product_id=product.pk if product else None)


@dataclass
class _World:
    customers: list[int]
    names: dict[int, str]
    emails: dict[int, str]
    sites_of: dict[int, list[int]]
    owner_of: dict[int, int]
    teams: list[int]
    categories: list[tuple[int | None, str]]
    products: list[int]
    story: Story
    with_sites: list[int] = field(default_factory=list)


def _world(story: Story, *, limit: int = 20_000) -> _World:
    rows = list(Customer.objects.order_by("id").values_list("id", "name", "first_name", "last_name")[:limit])
    customers = [row[0] for row in rows]
    names = {cid: (name or f"{first} {last}").strip() for cid, name, first, last in rows}
    emails: dict[int, str] = {}
    for cid, value in (ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL, customer_id__in=customers)
                       .order_by("customer_id", "-is_primary", "id").values_list("customer_id", "value")
                       if len(customers) < 900 else
                       ContactPoint.objects.filter(kind=ContactPoint.Kind.EMAIL)
                       .order_by("customer_id", "-is_primary", "id").values_list("customer_id", "value")):
        emails.setdefault(cid, value)
    sites_of: dict[int, list[int]] = defaultdict(list)
    owner_of: dict[int, int] = {}
    for sid, owner in Site.objects.filter(is_active=True).order_by("id").values_list("id", "organisation_id"):
        sites_of[owner].append(sid)
        owner_of[sid] = owner
    categories: list[tuple[int | None, str]] = [
        *Category.objects.filter(active=True).order_by("id").values_list("id", "name"), (None, "")]
    world = _World(
        customers=customers, names=names, emails=emails, sites_of=dict(sites_of), owner_of=owner_of,
        teams=list(Team.objects.order_by("id").values_list("id", flat=True)), categories=categories,
        products=list(Product.objects.filter(active=True).order_by("id").values_list("id", flat=True)), story=story,
    )
    world.with_sites = [cid for cid in customers if cid in world.sites_of]
    if story.site_id is not None and story.site_id not in owner_of:
        story.site_id = None
    return world


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


@dataclass
class _Plan:
    trigger: str
    customer_id: int | None
    site_id: int | None
    team_id: int | None
    channel: str
    category_id: int | None
    products: list[int]
    contact_at: dt.datetime
    theme: str
    fulfilled: str
    feeling: int
    comment: str
    language: str


def _plan(rng: random.Random, world: _World, *, now: dt.datetime, span_days: float) -> _Plan:
    story = world.story
    site_id: int | None = None
    days = rng.uniform(0.5, span_days)
    if story.site_id is not None and rng.random() < STORY_SITE_SHARE:
        site_id = story.site_id
        customer_id: int | None = world.owner_of[story.site_id]
        if rng.random() < 0.45:
            days = rng.uniform(0.5, min(STORY_RECENT_DAYS, span_days))  # more contacts lately: more trouble
    elif world.with_sites and rng.random() < 0.35:
        customer_id = rng.choice(world.with_sites)
        site_id = rng.choice(world.sites_of[customer_id])
    else:
        customer_id = rng.choice(world.customers) if world.customers else None
        sites = world.sites_of.get(customer_id or 0)
        site_id = rng.choice(sites) if sites else None
    contact_at = now - dt.timedelta(days=days)
    at_story_site = site_id is not None and site_id == story.site_id

    if site_id is not None and world.products and rng.random() < (0.6 if at_story_site else 0.45):
        trigger = Survey.Trigger.ORDER
    elif rng.random() < 0.06:
        trigger = Survey.Trigger.CALLBACK
    else:
        trigger = Survey.Trigger.CONCERN
    team_id = category_id = None
    products: list[int] = []
    category_name = ""
    if trigger == Survey.Trigger.ORDER:
        channel: str = Interaction.Channel.ORDER
        products = rng.sample(world.products, k=min(len(world.products), rng.choice((1, 1, 2, 3))))
        if story.product_id is not None and story.product_id not in products and rng.random() < 0.2:
            products.append(story.product_id)
    else:
        channel = Interaction.Channel.PHONE if trigger == Survey.Trigger.CALLBACK else _weighted(rng, _CHANNELS)
        team_id = rng.choice(world.teams) if world.teams else None
        category_id, category_name = rng.choice(world.categories)

    # What it was about, and how it went.
    negative = None
    if trigger == Survey.Trigger.ORDER:
        theme = _weighted(rng, _ORDER_THEMES)
        if story.product_id in products and rng.random() < 0.7:
            theme, negative = "toner", 0.6
    elif trigger == Survey.Trigger.CALLBACK:
        theme = _weighted(rng, _CALLBACK_THEMES)
    else:
        pairs = _CATEGORY_THEMES.get(category_name.lower(), _OTHER_THEMES)
        if channel == Interaction.Channel.PHONE:
            pairs = (*pairs, ("hotline", 45))
        theme = _weighted(rng, pairs)
        if category_id is not None and category_id == story.invoice_category_id and theme == "invoice":
            negative = 0.8
    if theme == "hotline" and channel == Interaction.Channel.PHONE:
        negative = 0.85
    if at_story_site and days <= STORY_RECENT_DAYS:
        if rng.random() < 0.75:
            theme = "delivery"
        negative = 0.95 if days <= 30 else 0.85 if days <= 60 else 0.75
    elif at_story_site and theme == "delivery":
        negative = 0.55
    friendly = team_id is not None and team_id == story.friendly_team_id
    if friendly and rng.random() < 0.5:
        theme = "staff"
    p_negative = _NEGATIVE[theme] if negative is None else negative
    if friendly:
        p_negative *= 0.3
    roll = rng.random()
    tone = "negative" if roll < p_negative else "neutral" if roll < p_negative + 0.15 else "positive"
    (fulfilled, feeling), = rng.choices([a for a, _w in _ANSWERS[tone]], weights=[w for _a, w in _ANSWERS[tone]])
    if friendly and tone == "positive":
        fulfilled, feeling = "yes", 5

    comment, language = "", ""
    if rng.random() < _COMMENTED[tone]:
        said = tone if rng.random() >= MISMATCH_SHARE else rng.choice([t for t in TONES if t != tone])
        english = rng.random() < ENGLISH_SHARE
        comment, language = comment_make(rng, theme=theme, tone=said, english=english), "en" if english else "de"
    return _Plan(trigger=trigger, customer_id=customer_id, site_id=site_id, team_id=team_id, channel=channel,
                 category_id=category_id, products=products, contact_at=contact_at, theme=theme,
                 fulfilled=fulfilled, feeling=feeling, comment=comment, language=language)


# --- Writing --------------------------------------------------------------------------------


def feedback_history_seed(*, responses: int, months: int = 12, seed: int = 2026, now: dt.datetime | None = None,
                          concerns: bool = False, story: Story | None = None, batch_size: int = BATCH,
                          progress: Callable[[int], None] | None = None) -> int:
    """Add ``responses`` answered surveys spread over the last ``months``; returns how many.

    With ``concerns`` every answer after a concern or callback gets a resolved concern of its own
    (row and first message only), so the answer links somewhere; without it the surveys stand
    alone (benchmarks). Order surveys stand alone and name the order's products. The customers'
    running balances are recomputed at the end. Adds to what is there; all or nothing.
    """
    rng = random.Random(seed)
    now = now or timezone.now()
    span_days = months * 30.44
    with transaction.atomic():
        world = _world(story if story is not None else story_resolve())
        plans = sorted((_plan(rng, world, now=now, span_days=span_days) for _ in range(responses)),
                       key=lambda p: p.contact_at)
        references: dict[int, list[int]] = {}
        if concerns:
            years: dict[int, int] = defaultdict(int)
            for plan in plans:
                if plan.trigger != Survey.Trigger.ORDER:
                    years[timezone.localtime(plan.contact_at).year] += 1
            references = {year: counter_take(name=f"concern-{year}", count=count) for year, count in years.items()}
        written = 0
        rows = _Rows()
        for start in range(0, len(plans), batch_size):
            _write(plans[start:start + batch_size], world=world, rng=rng, references=references, rows=rows)
            written += len(plans[start:start + batch_size])
            if progress is not None:
                progress(written)
        customer_balances_rebuild(customer_ids={p.customer_id for p in plans if p.customer_id is not None})
    return written


def _concern_for(plan: _Plan, *, rng: random.Random, world: _World, reference: str) -> tuple[Concern, Message]:
    subject, body = rng.choice(CONCERN_TEXTS[plan.theme])
    resolved = plan.contact_at
    received = resolved - dt.timedelta(hours=rng.lognormvariate(2.3, 1.0))
    first = received + (resolved - received) * rng.uniform(0.1, 0.6)
    kind = Concern.Kind.CALLBACK if plan.trigger == Survey.Trigger.CALLBACK else Concern.Kind.CONCERN
    concern = Concern(
        reference=reference, kind=kind, customer_id=plan.customer_id, site_id=plan.site_id, channel=plan.channel,
        subject=subject, category_id=plan.category_id, team_id=plan.team_id, received_at=received,
        promised_at=received, first_response_due_at=received + dt.timedelta(hours=24),
        resolution_due_at=received + dt.timedelta(hours=72), first_responded_at=first, human_reached_at=first,
        resolved_at=resolved, status=Concern.Status.CLOSED if rng.random() < 0.6 else Concern.Status.RESOLVED,
        sla_state=Concern.Sla.MET if first - received <= dt.timedelta(hours=24) else Concern.Sla.BREACHED,
        access_token=secrets.token_urlsafe(24), language="de",
        contact_name=world.names.get(plan.customer_id or 0, ""),
    )
    concern.closed_at = resolved if concern.status == Concern.Status.CLOSED else None
    message = Message(concern=concern, kind=Message.Kind.INBOUND, body=body, channel=plan.channel,
                      sender_name=concern.contact_name, created_at=received)
    return concern, message


class _Rows:
    """Inserts rows without the ORM's per-value work: ``executemany`` on SQLite, ``COPY`` on
    PostgreSQL. ``bulk_create`` spends most of its time preparing each value (a hundred thousand
    answers are over a million values); the rows here are already in the database's form.
    Primary keys are reserved first, so answers can name their surveys. Runs inside the caller's
    transaction (on SQLite ``BEGIN IMMEDIATE``: nobody else inserts meanwhile)."""

    def __init__(self) -> None:
        connection.ensure_connection()
        if connection.vendor not in {"sqlite", "postgresql"}:
            raise NotImplementedError(f"Feedback seeding does not support {connection.vendor}.")
        self.sqlite = connection.vendor == "sqlite"
        self.cursor = connection.connection.cursor()
        self._next: dict[str, int] = {}

    def time(self, value: dt.datetime | None) -> Any:
        if value is None or not self.sqlite:
            return value
        # What Django's SQLite backend stores for an aware datetime: naive UTC text.
        return str(value.astimezone(dt.UTC).replace(tzinfo=None))

    def ids(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        if not self.sqlite:
            self.cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                                (table, count))
            return [row[0] for row in self.cursor.fetchall()]
        if table not in self._next:
            seq = self.cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
            highest = self.cursor.execute(f'SELECT MAX(id) FROM "{table}"').fetchone()  # noqa: S608
            self._next[table] = max(seq[0] if seq else 0, highest[0] or 0) + 1
        first = self._next[table]
        self._next[table] = first + count
        return list(range(first, first + count))

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        if not rows:
            return
        columns = ", ".join(f'"{model._meta.get_field(name).column}"' for name in fields)  # type: ignore[union-attr]
        table = model._meta.db_table
        if self.sqlite:
            marks = ", ".join("?" * len(fields))
            self.cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)  # noqa: S608
            return
        with self.cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)


_SURVEY_FIELDS = ("id", "key", "trigger", "concern_id", "order_id", "customer_id", "site_id", "team_id", "channel",
                  "category_id", "recipient_email", "recipient_name", "language", "subject", "state", "skip_reason",
                  "contact_at", "created_at", "send_after", "sent_at", "opened_at", "expires_at")
_RESPONSE_FIELDS = ("id", "survey_id", "fulfilled", "feeling", "comment", "balance", "answered_at", "changed_at",
                    "changes", "customer_id", "site_id", "team_id", "channel", "category_id", "trigger",
                    "contact_at", "language", "sentiment", "sentiment_score", "topic", "follow_up_id")


def _write(plans: list[_Plan], *, world: _World, rng: random.Random, references: dict[int, list[int]],
           rows: _Rows) -> None:
    concern_of: dict[int, Concern] = {}
    if references:
        messages = []
        for index, plan in enumerate(plans):
            if plan.trigger == Survey.Trigger.ORDER:
                continue
            year = timezone.localtime(plan.contact_at).year
            reference = f"A-{year}-{references[year].pop(0):06d}"
            concern, message = _concern_for(plan, rng=rng, world=world, reference=reference)
            concern_of[index] = concern
            messages.append(message)
        Concern.objects.bulk_create(list(concern_of.values()))
        for message in messages:
            message.concern_id = message.concern.pk
        Message.objects.bulk_create(messages)
    survey_ids = rows.ids(Survey, len(plans))
    response_ids = rows.ids(Response, len(plans))
    surveys: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    products: list[tuple[int, int]] = []
    t = rows.time
    for index, (plan, survey_id, response_id) in enumerate(zip(plans, survey_ids, response_ids, strict=True)):
        linked = concern_of.get(index)
        delay = dt.timedelta(days=2) if plan.trigger == Survey.Trigger.ORDER else dt.timedelta(hours=1)
        sent = plan.contact_at + delay
        opened = sent + dt.timedelta(hours=rng.uniform(0.1, 30))
        answered = t(opened + dt.timedelta(minutes=rng.uniform(1, 20)))
        subject = (f"{linked.reference} · {linked.subject}" if linked is not None
                   else f"Bestellung vom {timezone.localtime(plan.contact_at):%d.%m.%Y}"
                   if plan.trigger == Survey.Trigger.ORDER else "Anliegen")
        contact_at = t(plan.contact_at)
        # created_at says when a survey was offered (the "asked recently" rule reads it): history, not today.
        surveys.append((
            survey_id, survey_key_new(), str(plan.trigger), linked.pk if linked else None, None, plan.customer_id,
            plan.site_id, plan.team_id, str(plan.channel), plan.category_id,
            world.emails.get(plan.customer_id or 0, ""), world.names.get(plan.customer_id or 0, "")[:200],
            plan.language or "de", subject[:300],
            Survey.State.ANSWERED.value, "", contact_at, contact_at, t(sent), t(sent), t(opened),
            t(sent + dt.timedelta(days=30)),
        ))
        answers.append((
            response_id, survey_id, plan.fulfilled, plan.feeling, plan.comment,
            contact_balance(fulfilled=plan.fulfilled, feeling=plan.feeling), answered, answered, 0,
            plan.customer_id, plan.site_id, plan.team_id, str(plan.channel), plan.category_id, str(plan.trigger),
            contact_at, plan.language, "", None, "", None,
        ))
        products.extend((response_id, product) for product in set(plan.products))
    rows.insert(Survey, _SURVEY_FIELDS, surveys)
    rows.insert(Response, _RESPONSE_FIELDS, answers)
    rows.insert(ResponseProduct, ("response_id", "product_id"), products)


def customer_balances_rebuild(*, customer_ids: set[int], chunk: int = 1_000) -> int:
    """Recompute the running balance of these customers from all their answers (bulk)."""
    ordered = sorted(customer_ids)
    written = 0
    for start in range(0, len(ordered), chunk):
        ids = ordered[start:start + chunk]
        series: dict[int, list[tuple[int, dt.datetime]]] = defaultdict(list)
        for cid, value, at in (Response.objects.filter(customer_id__in=ids)
                               .order_by("customer_id", "contact_at", "id")
                               .values_list("customer_id", "balance", "contact_at")):
            series[cid].append((value, at))
        rows = []
        for cid, answers in series.items():
            standing = standing_of([value for value, _at in answers])
            assert standing is not None
            rows.append(CustomerBalance(customer_id=cid, running=standing.running, earlier=standing.earlier,
                                        answers=standing.answers, last_contact_at=answers[-1][1]))
        CustomerBalance.objects.filter(customer_id__in=ids).delete()
        CustomerBalance.objects.bulk_create(rows)
        written += len(rows)
    return written
