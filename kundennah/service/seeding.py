"""Many concerns fast, for benchmarks of the inbox, the sweep and the measures.

The intake service writes a concern with its message, timeline entry, audit history and outbox
event, and computes the promise from the team's calendar: right for real work, far too slow for a
million rows. This generator writes concern rows only, with bulk inserts in batches, and spreads
them the way a service desk looks: most concerns closed over the past year, the open ones recent,
across teams, agents, channels, priorities and categories, with due times and promise states that
fit their age (due times here are wall-clock approximations of the business-day promise).
References come from the same yearly sequences the intake uses, so real concerns added later do
not collide. No messages, history or events are written for generated concerns.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import Team, User
from kundennah.core.sequences import counter_take
from kundennah.customers.models import Customer
from kundennah.service.models import Category, Concern, Priority
from kundennah.service.promise import inbox_due
from kundennah.timeline.models import Interaction

S = Concern.Status
CHANNELS = [
    (Interaction.Channel.EMAIL, 40), (Interaction.Channel.WEBFORM, 20), (Interaction.Channel.PHONE, 20),
    (Interaction.Channel.PORTAL, 8), (Interaction.Channel.LETTER, 5), (Interaction.Channel.CHAT, 5),
    (Interaction.Channel.SOCIAL, 2),
]
OPEN_STATUSES = [(S.NEW, 30), (S.OPEN, 45), (S.WAITING_CUSTOMER, 15), (S.WAITING_THIRD_PARTY, 10)]
PRIORITIES = [(Priority.LOW, 10), (Priority.NORMAL, 70), (Priority.HIGH, 15), (Priority.URGENT, 5)]
SUBJECTS = [
    "Rechnung doppelt abgebucht", "Lieferung nicht angekommen", "Adresse ändern", "Vertrag kündigen",
    "Drucker meldet Fehler E-42", "Frage zur letzten Abrechnung", "Passwort zurücksetzen", "Rückruf erbeten",
    "Gutschrift fehlt", "Zählerstand melden", "Bankverbindung ändern", "Beschwerde über Wartezeit",
    "Ersatzteil bestellen", "Termin für Techniker", "Mahnung erhalten, obwohl bezahlt",
]
NAMES = ["Anna Schmidt", "Jürgen Müller", "Petra Weber", "Mehmet Yılmaz", "Sabine Fischer", "Lukas Becker",
         "Olga Nowak", "Thomas Wagner", "Fatma Kaya", "Stefan Hoffmann"]
H = dt.timedelta(hours=1)


@dataclass
class ConcernSeedReport:
    concerns: int = 0
    open: int = 0
    agents_created: int = 0
    seconds: float = 0.0


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> Callable[[], str]:
    values, weights = zip(*pairs, strict=True)
    cumulative = list(weights)
    for i in range(1, len(cumulative)):
        cumulative[i] += cumulative[i - 1]
    return lambda: rng.choices(values, cum_weights=cumulative)[0]


def _staff(rng: random.Random, agents_per_team: int) -> tuple[list[Team], dict[int, list[int]], int]:
    teams = list(Team.objects.order_by("id"))
    if not teams:
        teams = [Team.objects.create(name="Kundenservice")]
    created = 0
    members: dict[int, list[int]] = {}
    for team in teams:
        ids = list(User.objects.filter(teams=team, is_active=True, role__in=[User.Role.AGENT, User.Role.TEAM_LEAD])
                   .values_list("id", flat=True))
        for n in range(len(ids), agents_per_team):
            user = User.objects.create_user(
                username=f"seed-agent-{team.pk}-{n + 1}", email=f"seed-agent-{team.pk}-{n + 1}@kundennah.example",
                password=None, role=User.Role.AGENT, first_name="Agent", last_name=f"{team.name} {n + 1}",
            )
            user.teams.add(team)
            ids.append(user.pk)
            created += 1
        members[team.pk] = ids
    return teams, members, created


def seed_concerns(
    *, concerns: int = 1_000_000, open_concerns: int = 100_000, seed: int = 1, batch_size: int = 5_000,
    agents_per_team: int = 8, progress: Callable[[int], None] | None = None, now: dt.datetime | None = None,
) -> ConcernSeedReport:
    """Add ``concerns`` concerns, ``open_concerns`` of them open. Adds to what is there."""
    started = time.perf_counter()
    rng = random.Random(seed)
    now = now or timezone.now()
    open_concerns = min(open_concerns, concerns)
    teams, members, created = _staff(rng, agents_per_team)
    customer_ids = list(Customer.objects.values_list("id", flat=True)[:200_000])
    category_ids: list[int | None] = [*Category.objects.filter(active=True).values_list("id", flat=True), None]
    channel, status, priority = _weighted(rng, CHANNELS), _weighted(rng, OPEN_STATUSES), _weighted(rng, PRIORITIES)

    # Open concerns are recent (days), closed ones spread over a year; references per year.
    plan = [True] * open_concerns + [False] * (concerns - open_concerns)
    received = [
        now - dt.timedelta(hours=rng.expovariate(1 / 40)) if is_open else now - dt.timedelta(days=rng.uniform(1, 365))
        for is_open in plan
    ]
    order = sorted(range(concerns), key=received.__getitem__)
    numbers: dict[int, Iterator[int]] = {}
    for year in sorted({timezone.localtime(received[i]).year for i in order}):
        count = sum(1 for i in order if timezone.localtime(received[i]).year == year)
        numbers[year] = iter(counter_take(name=f"concern-{year}", count=count))

    report = ConcernSeedReport(agents_created=created)
    batch: list[Concern] = []
    for index in order:
        at = received[index]
        year = timezone.localtime(at).year
        reference = f"A-{year}-{next(numbers[year]):06d}"
        team = rng.choice(teams)
        agents = members[team.pk]
        kind = Concern.Kind.CALLBACK if rng.random() < 0.05 else Concern.Kind.CONCERN
        customer_id = rng.choice(customer_ids) if customer_ids and rng.random() < 0.75 else None
        name = rng.choice(NAMES)
        concern = Concern(
            reference=reference, kind=kind, customer_id=customer_id, channel=Interaction.Channel.PHONE
            if kind == Concern.Kind.CALLBACK else channel(), subject=rng.choice(SUBJECTS),
            contact_name="" if customer_id else name,
            contact_email="" if customer_id else name.lower().replace(" ", ".").replace("ı", "i") + "@example.org",
            category_id=rng.choice(category_ids), priority=priority(), team_id=team.pk, received_at=at,
            promised_at=at, access_token=secrets.token_urlsafe(24), language="de",
        )
        concern.assignee_id = rng.choice(agents) if agents and rng.random() < 0.85 else None
        first_due = at + (2 * H if kind == Concern.Kind.CALLBACK else dt.timedelta(hours=rng.choice((24, 30, 48))))
        resolution_due = at + dt.timedelta(hours=rng.choice((50, 72, 120)))
        concern.first_response_due_at, concern.resolution_due_at = first_due, resolution_due
        if plan[index]:
            _open(concern, rng, status(), now)
            report.open += 1
        else:
            _closed(concern, rng)
        batch.append(concern)
        if len(batch) >= batch_size:
            _flush(batch, report, progress)
    _flush(batch, report, progress)
    report.seconds = time.perf_counter() - started
    return report


def _open(concern: Concern, rng: random.Random, status: str, now: dt.datetime) -> None:
    concern.status = status
    at = concern.received_at
    if status != S.NEW and rng.random() < 0.7:
        concern.first_responded_at = min(now, at + dt.timedelta(hours=rng.uniform(0.2, 30)))
        concern.human_reached_at = concern.first_responded_at
    if status == S.WAITING_CUSTOMER:
        concern.waiting_since = now - dt.timedelta(hours=rng.uniform(0, 24))
        concern.due_at = None
        concern.inbox_due_at = inbox_due(concern)
        return
    due = concern.first_response_due_at if concern.first_responded_at is None else concern.resolution_due_at
    concern.due_at = due
    concern.inbox_due_at = inbox_due(concern)
    assert due is not None
    share = (now - at) / (due - at)
    concern.sla_state = (Concern.Sla.BREACHED if now >= due
                         else Concern.Sla.AT_RISK if share >= 0.75 else Concern.Sla.ON_TRACK)


def _closed(concern: Concern, rng: random.Random) -> None:
    at = concern.received_at
    concern.status = S.CLOSED if rng.random() < 0.6 else S.RESOLVED
    concern.first_responded_at = at + dt.timedelta(hours=rng.lognormvariate(1.5, 1.0))
    concern.human_reached_at = concern.first_responded_at
    concern.resolved_at = concern.first_responded_at + dt.timedelta(hours=rng.lognormvariate(2.0, 1.2))
    concern.closed_at = concern.resolved_at if concern.status == S.CLOSED else None
    kept = concern.first_response_due_at is not None and concern.first_responded_at <= concern.first_response_due_at
    concern.sla_state = Concern.Sla.MET if kept else Concern.Sla.BREACHED


def _flush(batch: list[Concern], report: ConcernSeedReport, progress: Callable[[int], None] | None) -> None:
    if not batch:
        return
    with transaction.atomic():
        Concern.objects.bulk_create(batch, batch_size=len(batch))
    report.concerns += len(batch)
    batch.clear()
    if progress is not None:
        progress(report.concerns)
