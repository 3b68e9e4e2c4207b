"""Feedback in the demo: a year of answers with a story, and a few recent ones through the service.

About 1,500 answers over the last twelve months, written in bulk (``seeding.py``), each after a
concern of its own (resolved, with its first message) or an order, so the pages link somewhere.
Then the demo's own resolved concerns and delivered orders get surveys: a handful answered badly
through the real answer service (so their follow-up concerns exist), some answered well, and a
few still open (sent, not answered) so agents see the survey link on the concern page.

``feedback_demo_load`` runs once: an outbox event marks it. The insights (tone, topics, drivers)
are not computed here; the insights run does that.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import Team
from kundennah.commerce.models import Order, OrderStatus
from kundennah.core.events import event_record
from kundennah.core.models import Event
from kundennah.customers.models import Customer
from kundennah.feedback.links import survey_key_new
from kundennah.feedback.models import Survey
from kundennah.feedback.seeding import Story, feedback_history_seed, story_resolve
from kundennah.feedback.services import _contact_of, survey_answer
from kundennah.service.models import Concern

FEEDBACK_DEMO_EVENT = "demo.feedback_loaded"
DEMO_SEED = 2026
# The friendly team of the story, and one more so teams can be compared.
EXTRA_TEAMS = (("Technikservice", "technik@kundennah.example"), ("Auftragsservice", "auftrag@kundennah.example"))

# Answers to the demo's own concerns, by subject: (fulfilled, feeling, comment).
# None: the survey is sent and waits for its answer.
ANSWERS: dict[str, tuple[str, int, str] | None] = {
    "Rechnung an falsche Adresse": (
        "no", 2, "Die Rechnung ging schon wieder an die Zentrale statt an die Filiale Pasing. Das ist jetzt das "
                 "dritte Mal, bitte endlich in den Stammdaten ändern."),
    "Beschwerde über Wartezeit am Telefon": (
        "partly", 1, "Wieder 25 Minuten in der Warteschleife. Die Antwort war dann in Ordnung, aber so eine "
                     "Wartezeit ist eine Zumutung."),
    "Passwort für das Kundenportal": (
        "no", 2, "Login im Portal geht immer noch nicht, beim Zurücksetzen des Passworts kommt keine Mail."),
    "Gerät macht Geräusche": (
        "no", 1, "Der Techniker kam nicht zum Termin, das Gerät brummt weiter. Niemand hat abgesagt."),
    "Bitte um Ratenzahlung": (
        "partly", 2, "Ratenzahlung wurde zugesagt, aber der versprochene Rückruf dazu kam nie."),
    "Frage zur Vertragslaufzeit": ("yes", 5, "Schnell und sehr freundlich beantwortet, vielen Dank!"),
    "Rechnungskopie benötigt": ("yes", 4, "passt"),
    "Kundennummer vergessen": ("yes", 5, "Sehr freundlich, danke."),
    "Vertragsunterlagen anfordern": ("yes", 4, ""),
    "Rückruf erbeten": ("yes", 5, "Rückruf kam wie versprochen, alles geklärt."),
    "Bankverbindung Filiale Giesing ändern": None,
    "Adresse ändern": None,
    "Öffnungszeiten Hotline": None,
}
ORDER_ANSWERS: dict[str, tuple[str, int, str]] = {
    OrderStatus.SHIPPED: ("partly", 2, "Zwei Kartons Bäckertüten kamen durchnässt an. Ersatz ist zugesagt, aber "
                                       "noch nicht da."),
    OrderStatus.INVOICED: ("yes", 5, "Lieferung pünktlich und vollständig, Bestellung im Portal ging schnell."),
}


def feedback_demo_loaded() -> bool:
    return Event.objects.filter(name=FEEDBACK_DEMO_EVENT).exists()


def feedback_demo_load(*, answers: int = 1_500, seed: int = DEMO_SEED) -> int:
    """Write the demo feedback once; returns how many answers were written (0 when already there).

    Needs the demo customers (Bäckerei Sonnenkorn) and is best loaded after the service desk and
    orders demos, whose concerns and orders get surveys.
    """
    if not Customer.objects.filter(name="Bäckerei Sonnenkorn").exists():
        return 0
    now = timezone.now()
    with transaction.atomic():
        if feedback_demo_loaded():
            return 0
        for name, email in EXTRA_TEAMS:
            Team.objects.get_or_create(name=name, defaults={"email": email})
        story: Story = story_resolve()
        real = _surveys_for_demo_contacts(now=now)
        # History ends two days ago: the newest answers are the demo's own, through the service.
        written = feedback_history_seed(responses=max(answers - len(real), 0), months=12, seed=seed,
                                        now=now - dt.timedelta(days=2), concerns=True, story=story)
        for survey, answer in real:
            if answer is not None:
                fulfilled, feeling, comment = answer
                survey_answer(survey=survey, fulfilled=fulfilled, feeling=feeling, comment=comment, now=now)
                written += 1
        event_record(name=FEEDBACK_DEMO_EVENT, aggregate_type="demo", aggregate_id=seed,
                     payload={"answers": written, "open_surveys": sum(1 for _s, a in real if a is None)})
    return written


def _surveys_for_demo_contacts(*, now: dt.datetime) -> list[tuple[Survey, tuple[str, int, str] | None]]:
    """Sent surveys for the demo's resolved concerns and delivered orders, with the answer each gets."""
    result: list[tuple[Survey, tuple[str, int, str] | None]] = []
    concerns = (Concern.objects.filter(status__in=[Concern.Status.RESOLVED, Concern.Status.CLOSED],
                                       subject__in=list(ANSWERS), merged_into__isnull=True, surveys__isnull=True)
                .select_related("customer", "site", "team", "raised_by", "category").order_by("id"))
    seen: set[str] = set()
    for concern in concerns:
        if concern.subject in seen:
            continue
        seen.add(concern.subject)
        at = concern.resolved_at or now - dt.timedelta(hours=2)
        result.append((_sent_survey(concern=concern, order=None, at=at, now=now), ANSWERS[concern.subject]))
    orders = (Order.objects.filter(status__in=list(ORDER_ANSWERS), surveys__isnull=True,
                                   customer__name="Bäckerei Sonnenkorn")
              .select_related("placed_by", "customer", "site").order_by("id"))
    for order in orders:
        at = order.shipped_at or now - dt.timedelta(days=2)
        result.append((_sent_survey(concern=None, order=order, at=at, now=now), ORDER_ANSWERS[order.status]))
    return result


def _sent_survey(*, concern: Concern | None, order: Order | None, at: dt.datetime, now: dt.datetime) -> Survey:
    contact = _contact_of(concern=concern, order=order, now=at)
    sent = min(max(contact.send_after, at), now)
    return Survey.objects.create(
        key=survey_key_new(), trigger=contact.trigger, concern=concern, order=order, customer=contact.customer,
        site=contact.site, team=contact.team, channel=contact.channel, category=contact.category,
        recipient_email=contact.email[:320] or "kontakt@example.org", recipient_name=contact.name[:200],
        language="de", subject=contact.subject, state=Survey.State.SENT, contact_at=at, send_after=sent,
        sent_at=sent, expires_at=now + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS),
    )
