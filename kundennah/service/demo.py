"""The service desk in the demo: about forty German concerns, written through the real services.

They come in on every channel, some from known customers (Dr. Hartmann and his threatening
letter, Bäckerei Sonnenkorn), some from people nobody knows yet; some are answered, waiting for
the customer or a supplier, resolved or closed, some are callbacks, and a few are at risk or
overdue so the inbox and the measures have something to show. Messages written by the services
carry the time of loading; the concerns themselves were received hours to days before.

``service_demo_load`` runs once: an outbox event marks it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import Team, User
from kundennah.core.events import event_record
from kundennah.core.models import Event
from kundennah.customers.models import Customer
from kundennah.service.models import AnswerTemplate, Category, Concern, Message, Priority, TeamCalendar
from kundennah.service.services import (
    ConcernIntake,
    callback_complete,
    concern_intake,
    concern_transition,
    message_add,
)
from kundennah.service.sla import sla_sweep

SERVICE_DEMO_EVENT = "demo.service_loaded"
DEMO_TEAM = "Kundenservice"
S = Concern.Status
CATEGORIES = ("Rechnung", "Lieferung", "Vertrag", "Technik", "Kündigung", "Konto")


@dataclass(frozen=True)
class _Spec:
    hours_ago: float
    channel: str
    who: str  # "hartmann", "sonnenkorn", "customer" (a generated one) or "Name <email or phone>"
    subject: str
    body: str
    category: str = ""
    flow: str = ""  # "", answered, waiting, third_party, resolved, closed, replied, note, callback, callback_done
    priority: str = Priority.NORMAL


SPECS: tuple[_Spec, ...] = (
    # Known customers.
    _Spec(3, "letter", "hartmann", "Schreiben wegen Kontokündigung",
          "Sehr geehrte Damen und Herren, ich bin seit dreißig Jahren Ihr Kunde und erhalte nun wegen 37 Euro "
          "Überziehung die Androhung der Kündigung. Ich bitte um einen Anruf.", "Konto", "note", Priority.HIGH),
    _Spec(2, "phone", "hartmann", "Rückruf zur Mahnung", "Herr Dr. Hartmann bittet um Rückruf wegen der Mahnung.",
          "Konto", "callback", Priority.HIGH),
    _Spec(26, "portal", "sonnenkorn", "Lieferung Filiale Schwabing fehlt",
          "Die Mehllieferung für unsere Filiale Schwabing ist heute nicht angekommen. Bitte dringend prüfen.",
          "Lieferung", "answered", Priority.URGENT),
    _Spec(70, "email", "sonnenkorn", "Rechnung an falsche Adresse",
          "Die Rechnung für die Filiale Pasing ging an die Zentrale. Bitte künftig an die Filialadresse senden.",
          "Rechnung", "resolved"),
    _Spec(150, "portal", "sonnenkorn", "Bankverbindung Filiale Giesing ändern",
          "Ab nächstem Monat bitte vom neuen Konto der Filiale Giesing abbuchen.", "Konto", "closed"),
    # Generated customers on every channel.
    _Spec(0.5, "email", "customer", "Rechnung doppelt abgebucht",
          "Guten Tag, die Rechnung vom letzten Monat wurde zweimal abgebucht. Bitte erstatten Sie den Betrag."
          , "Rechnung"),
    _Spec(1, "webform", "customer", "Zählerstand melden", "Mein Zählerstand heute: 48213 kWh.", "Vertrag"),
    _Spec(4, "chat", "customer", "Drucker meldet Fehler E-42",
          "Unser Drucker im Büro zeigt seit heute früh Fehler E-42 und druckt nicht mehr.", "Technik", "answered"),
    _Spec(6, "phone", "customer", "Termin für Techniker",
          "Kunde möchte einen Techniker-Termin nächste Woche, vormittags.", "Technik", "waiting"),
    _Spec(8, "email", "customer", "Frage zur Vertragslaufzeit",
          "Wie lange läuft mein Vertrag noch, und zu wann kann ich frühestens kündigen?", "Vertrag", "resolved"),
    _Spec(20, "webform", "customer", "Lieferung beschädigt",
          "Das Paket kam beschädigt an, die Kartusche ist ausgelaufen. Fotos habe ich.", "Lieferung", "replied"),
    _Spec(22, "email", "customer", "Gutschrift fehlt",
          "Sie hatten mir eine Gutschrift über 25 Euro zugesagt, sie ist aber nicht auf der Rechnung.", "Rechnung"),
    _Spec(28, "portal", "customer", "Ersatzteil bestellen", "Ich brauche eine neue Papierkassette für den M404.",
          "Technik", "third_party"),
    _Spec(30, "social", "customer", "Warte seit einer Woche auf Antwort",
          "Seit einer Woche keine Antwort auf meine Mail. So geht das nicht!", "", "", Priority.HIGH),
    _Spec(34, "email", "customer", "Adresse ändern", "Wir sind umgezogen: neue Adresse ab dem 1. des Monats.",
          "Vertrag", "closed"),
    _Spec(46, "letter", "customer", "Widerspruch gegen Mahngebühr",
          "Hiermit widerspreche ich der Mahngebühr, ich habe fristgerecht überwiesen.", "Rechnung"),
    _Spec(50, "email", "customer", "Passwort für das Kundenportal",
          "Ich komme nicht mehr ins Portal, das Zurücksetzen klappt nicht.", "Technik", "resolved"),
    _Spec(54, "phone", "customer", "Tarifwechsel gewünscht", "Kunde möchte in den günstigeren Tarif wechseln.",
          "Vertrag", "answered"),
    _Spec(72, "webform", "customer", "Kündigung zum Monatsende",
          "Hiermit kündige ich meinen Vertrag zum Monatsende. Bitte bestätigen Sie mir das.", "Kündigung"),
    _Spec(75, "email", "customer", "Rechnungskopie benötigt", "Bitte senden Sie mir eine Kopie der Rechnung März.",
          "Rechnung", "closed"),
    _Spec(96, "chat", "customer", "Lieferzeit für Toner",
          "Wann kommt der bestellte Toner? Wir haben nur noch wenige Seiten.", "Lieferung", "", Priority.HIGH),
    _Spec(100, "portal", "customer", "Wartungsvertrag verlängern", "Wir möchten den Wartungsvertrag verlängern.",
          "Vertrag", "waiting"),
    _Spec(120, "email", "customer", "Falscher Betrag abgebucht", "Es wurden 129 statt 29 Euro abgebucht.",
          "Rechnung", "", Priority.URGENT),
    _Spec(140, "letter", "customer", "Bitte um Ratenzahlung",
          "Ich kann die Nachzahlung nicht auf einmal leisten und bitte um Ratenzahlung.", "Rechnung", "resolved"),
    _Spec(170, "email", "customer", "Kundennummer vergessen", "Wie lautet meine Kundennummer?", "", "closed"),
    _Spec(200, "phone", "customer", "Beschwerde über Wartezeit am Telefon",
          "Kunde hat 25 Minuten in der Warteschleife gewartet und ist verärgert.", "", "resolved"),
    _Spec(260, "webform", "customer", "Gerät macht Geräusche", "Das Gerät brummt laut seit dem letzten Update.",
          "Technik", "closed"),
    _Spec(330, "email", "customer", "Vertragsunterlagen anfordern", "Bitte senden Sie mir meine Vertragsunterlagen.",
          "Vertrag", "closed"),
    # People nobody knows yet.
    _Spec(0.2, "webform", "Miriam Krause <miriam.krause@example.org>", "Angebot für Firmenkunden",
          "Wir sind ein Büro mit 12 Mitarbeitenden und suchen einen Drucker-Servicevertrag.", "Vertrag"),
    _Spec(2.5, "email", "Jonas Richter <jonas.richter@example.net>", "Frage zu Ihrer Rechnung",
          "Ich habe eine Rechnung erhalten, bin aber gar nicht Ihr Kunde. Was ist da los?", "Rechnung"),
    _Spec(5, "chat", "Leonie Braun <leonie.braun@example.org>", "Öffnungszeiten Hotline",
          "Bis wann ist Ihre Hotline heute erreichbar?", "", "resolved", Priority.LOW),
    _Spec(9, "social", "Kai Schulze <kai.schulze@example.com>", "Keine Antwort per Mail",
          "Habe vor zwei Tagen geschrieben, keine Antwort. Bitte melden!", ""),
    _Spec(27, "email", "Aylin Demir <aylin.demir@example.org>", "Bewerbung als Servicepartner",
          "Wir möchten Servicepartner in Nürnberg werden. An wen wende ich mich?", "", "answered", Priority.LOW),
    _Spec(52, "webform", "Frank Wolf <frank.wolf@example.de>", "Gerät defekt nach Lieferung",
          "Das neue Gerät lässt sich nicht einschalten.", "Technik", "", Priority.HIGH),
    _Spec(80, "email", "Heike Lange <heike.lange@example.de>", "Datenauskunft nach DSGVO",
          "Bitte teilen Sie mir mit, welche Daten Sie über mich speichern.", "", "third_party"),
    # Callbacks.
    _Spec(0.3, "webform", "Gisela Koch <+49 89 2345678>", "Rückruf erbeten", "Bitte rufen Sie mich zurück.",
          "", "callback"),
    _Spec(1.5, "portal", "customer", "Rückruf zur Rechnung", "Bitte rufen Sie mich wegen der Rechnung an.",
          "Rechnung", "callback"),
    _Spec(7, "webform", "Peter Neumann <+49 30 9876543>", "Rückruf erbeten", "Frage zum Vertrag, bitte Rückruf.",
          "Vertrag", "callback_done"),
    _Spec(29, "portal", "customer", "Rückruf Techniker", "Bitte Rückruf wegen des Technikertermins.",
          "Technik", "callback"),
    _Spec(60, "webform", "Ursula Busch <+49 40 5556667>", "Rückruf erbeten", "Bitte rufen Sie mich an.",
          "", "callback_done"),
)

REPLIES = {
    "answered": "Guten Tag, vielen Dank für Ihre Nachricht. Wir kümmern uns darum und melden uns spätestens morgen "
                "mit einer Lösung. Freundliche Grüße",
    "waiting": "Guten Tag, damit wir Ihnen helfen können: Wann passt es Ihnen am besten? Freundliche Grüße",
    "third_party": "Guten Tag, wir haben beim Hersteller nachgefragt und melden uns, sobald wir Antwort haben.",
    "resolved": "Guten Tag, das ist erledigt. Wenn noch etwas offen ist, antworten Sie einfach auf diese Nachricht.",
}
TEMPLATES = (
    ("Eingangsbestätigung", "Guten Tag {{ customer.name }}, vielen Dank für Ihre Nachricht. Wir melden uns "
                            "spätestens morgen bei Ihnen."),
    ("Rückfrage", "Guten Tag {{ customer.name }}, damit wir Ihnen schnell helfen können, brauchen wir noch: "),
    ("Erledigt", "Guten Tag {{ customer.name }}, Ihr Anliegen ist erledigt. Melden Sie sich gern jederzeit."),
)


def service_demo_loaded() -> bool:
    return Event.objects.filter(name=SERVICE_DEMO_EVENT).exists()


def service_demo_load(*, seed: int = 2025) -> int:
    """Write the demo concerns once; returns how many were written (0 when already there)."""
    team = Team.objects.filter(name=DEMO_TEAM).first()
    users = {u.username: u for u in User.objects.filter(username__in=["agent", "teamlead", "admin"])}
    if team is None or "agent" not in users:
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    with transaction.atomic():
        if service_demo_loaded():
            return 0
        TeamCalendar.objects.get_or_create(team=team, defaults={"state": "BY", "phone": "+49 89 1234560"})
        categories = {name: Category.objects.get_or_create(name=name)[0] for name in CATEGORIES}
        for name, body in TEMPLATES:
            AnswerTemplate.objects.get_or_create(name=name, defaults={"body": body, "language": "de"})
        known = {
            "hartmann": Customer.objects.filter(last_name="Hartmann", first_name="Klaus").first(),
            "sonnenkorn": Customer.objects.filter(name="Bäckerei Sonnenkorn").first(),
        }
        generated = list(Customer.objects.filter(status=Customer.Status.ACTIVE, kind="person")
                         .exclude(pk__in=[c.pk for c in known.values() if c]).order_by("id")[:60])
        written = 0
        for spec in SPECS:
            _concern(spec, now=now, rng=rng, known=known, generated=generated, categories=categories, users=users)
            written += 1
        # The promise states as the sweep sees them now; the leads are not mailed for demo data.
        sla_sweep(now=now, notify=False)
        event_record(name=SERVICE_DEMO_EVENT, aggregate_type="demo", aggregate_id=seed, payload={"concerns": written})
    return written


def _concern(spec: _Spec, *, now: dt.datetime, rng: random.Random, known: dict[str, Customer | None],
             generated: list[Customer], categories: dict[str, Category], users: dict[str, User]) -> Concern:
    customer = known.get(spec.who) or (rng.choice(generated) if spec.who == "customer" and generated else None)
    name, contact = "", ""
    if customer is None and "<" in spec.who:
        name, contact = spec.who.rstrip(">").split(" <")
    elif customer is None:
        name, contact = "Unbekannt", "kontakt@example.org"
    is_callback = spec.flow.startswith("callback")
    received = now - dt.timedelta(hours=spec.hours_ago)
    agent = users["agent"]
    concern = concern_intake(data=ConcernIntake(
        channel=spec.channel, subject=spec.subject, body=spec.body, customer=customer, contact_name=name,
        contact_email=contact if "@" in contact else "", contact_phone=contact if contact.startswith("+") else "",
        received_at=received, category=categories.get(spec.category), priority=spec.priority,
        kind=Concern.Kind.CALLBACK if is_callback else Concern.Kind.CONCERN, language="de",
    ), actor=agent if spec.channel in {"phone", "letter"} else None)
    flow = spec.flow
    if flow == "note":
        message_add(concern=concern, kind=Message.Kind.NOTE, actor=users.get("teamlead", agent),
                    body="Achtung: langjähriger Kunde mit mehreren gut gedeckten Konten. Die Mahnung war ein "
                         "automatischer Lauf – bitte persönlich anrufen und entschuldigen.")
    elif flow == "answered":
        message_add(concern=concern, kind=Message.Kind.OUTBOUND, body=REPLIES["answered"], actor=agent)
    elif flow == "waiting":
        message_add(concern=concern, kind=Message.Kind.OUTBOUND, body=REPLIES["waiting"], actor=agent,
                    status_after=S.WAITING_CUSTOMER)
    elif flow == "third_party":
        message_add(concern=concern, kind=Message.Kind.OUTBOUND, body=REPLIES["third_party"], actor=agent,
                    status_after=S.WAITING_THIRD_PARTY)
    elif flow in {"resolved", "closed"}:
        message_add(concern=concern, kind=Message.Kind.OUTBOUND, body=REPLIES["resolved"], actor=agent,
                    status_after=S.RESOLVED)
        if flow == "closed":
            concern_transition(concern=concern, status=S.CLOSED, actor=agent)
    elif flow == "replied":
        message_add(concern=concern, kind=Message.Kind.OUTBOUND, actor=agent, body=REPLIES["waiting"],
                    status_after=S.WAITING_CUSTOMER)
        message_add(concern=concern, kind=Message.Kind.INBOUND, sender_name=concern.display_contact,
                    body="Die Fotos hänge ich an. Am liebsten wäre mir ein Ersatz statt Geld zurück.")
    elif flow == "callback_done":
        callback_complete(concern=concern, actor=agent, note="Zurückgerufen, Frage geklärt. Kunde zufrieden.")
    return concern
