"""The demo: a German customer base told as a story, written through the real services.

Everything goes through the same services the agent pages use, so the demo has audit history,
outbox events and search keys like real data. It contains, besides about two hundred generated
customers with a year of contacts:

- Dr. Klaus Hartmann, a private customer for thirty years with several well-covered accounts and
  one small overdraft, who just received an automatic reminder threatening to end the account
  (the bank that did not know its own customer);
- Bäckerei Sonnenkorn, a Munich bakery chain with four sites, each with its own delivery and
  invoice address and its own bank account with a SEPA mandate, ordering through the portal;
- a printing company, a property management, a dental practice and an IT systems house with their
  contact persons, devices (printers reporting their toner level), contracts and subscriptions.

``demo_load`` runs once: ``demo_loaded`` tells whether it has (an outbox event marks it).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import Team, User
from kundennah.core.events import event_record
from kundennah.core.models import Event
from kundennah.customers import services
from kundennah.customers.inputs import (
    AddressInput,
    BankAccountInput,
    CustomerInput,
    HoldingInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import Customer, Site
from kundennah.customers.seeding.generate import (
    AddressSpec,
    Generator,
    HoldingSpec,
    OrganisationSpec,
    PersonSpec,
)
from kundennah.timeline.services import interaction_record

DEMO_EVENT = "demo.loaded"
DEMO_SEED = 2025
DEMO_TEAM = "Kundenservice"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    name: str


@dataclass
class DemoReport:
    customers: int = 0
    interactions: int = 0
    seconds: float = 0.0


# --- Users --------------------------------------------------------------------------------

_DEMO_USERS: tuple[tuple[str, str, str, str], ...] = (
    # username, role, first name, last name
    ("admin", User.Role.ADMIN, "Sabine", "Neumann"),
    ("teamlead", User.Role.TEAM_LEAD, "Thomas", "Berger"),
    ("agent", User.Role.AGENT, "Lea", "Hoffmann"),
    # Central purchasing of Bäckerei Sonnenkorn in the portal (linked to the customer by the
    # orders demo).
    ("einkauf", User.Role.CUSTOMER, "Petra", "Korn"),
)


def demo_passwords(*, stored: dict[str, str], from_env: str = "") -> dict[str, str]:
    """The password of every demo user: ``from_env`` for all, else the stored ones, else new ones."""
    if from_env:
        return {username: from_env for username, *_rest in _DEMO_USERS}
    return {
        username: stored.get(username) or secrets.token_urlsafe(12)
        for username, *_rest in _DEMO_USERS
    }


def demo_users_ensure(*, passwords: dict[str, str], reset: bool) -> list[DemoLogin]:
    """Create the demo users (German, in the demo team) if missing. Passwords are set for new
    users and, with ``reset``, for existing ones too (hashing is slow: only when needed)."""
    team, _created = Team.objects.get_or_create(name=DEMO_TEAM, defaults={"email": "service@kundennah.example"})
    logins = []
    for username, role, first_name, last_name in _DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, email=f"{username}@kundennah.example", password=passwords[username],
                role=role, first_name=first_name, last_name=last_name, language="de",
                # Team leads set up calendars, routing and templates in the admin.
                is_staff=role in (User.Role.ADMIN, User.Role.TEAM_LEAD), is_superuser=role == User.Role.ADMIN,
            )
        elif reset:
            user.set_password(passwords[username])
            user.save(update_fields=["password"])
        if role != User.Role.CUSTOMER:
            user.teams.add(team)
        logins.append(DemoLogin(username, passwords[username], str(User.Role(role).label), user.get_full_name()))
    return logins


# --- The story ----------------------------------------------------------------------------


@dataclass
class _Contact:
    days_ago: float
    channel: str
    direction: str
    subject: str
    summary: str
    by: str = ""  # "agent", "teamlead" or "" (came in by itself / sent by the system)
    site: str = ""


@dataclass
class _Story:
    """One curated customer: the profile, what they hold, who works there and what happened."""

    data: CustomerInput
    holdings: list[HoldingInput | tuple[str, HoldingInput]] = field(default_factory=list)
    contacts: list[_Contact] = field(default_factory=list)
    # (first name, last name, salutation, email, phone, role, site name or "", main contact)
    people: list[tuple[str, str, str, str, str, str, str, bool]] = field(default_factory=list)
    notes: list[tuple[str, bool, str]] = field(default_factory=list)  # text, sensitive, by
    consents: list[tuple[str, str, bool, str, str, int]] = field(default_factory=list)


def _address(street: str, postal_code: str, city: str, country: str = "DE", recipient: str = "") -> AddressInput:
    return AddressInput(street=street, postal_code=postal_code, city=city, country=country, recipient=recipient)


def _site(name: str, code: str, delivery: AddressInput, invoice: AddressInput | None, iban: str, mandate: str,
          signed: dt.date, invoice_email: str = "") -> SiteInput:
    return SiteInput(
        name=name, code=code, delivery_address=delivery, invoice_address=invoice, invoice_email=invoice_email,
        bank_account=BankAccountInput(iban=iban, mandate_reference=mandate, mandate_signed_on=signed),
    )


def _printer(model: str, serial: str, toner: int, counter: str, place: str, since: dt.date) -> HoldingInput:
    return HoldingInput(
        kind="device", name=model, identifier=serial, started_on=since,
        key_figures={"Tonerstand": f"{toner} %", "Seitenzähler": counter, "Aufstellort": place},
    )


def _stories(gen: Generator, today: dt.date) -> list[_Story]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    def iban(bank_code: str) -> str:
        return gen.bank("DE", bank_code=bank_code).iban

    giro, tagesgeld = iban("10050000"), iban("10050000")
    hartmann = _Story(
        data=CustomerInput(
            profile=ProfileInput(kind="person", salutation="mr", title="Dr.", first_name="Klaus",
                                 last_name="Hartmann", birth_date=dt.date(1961, 4, 12)),
            emails=["klaus.hartmann@posteo.de"], phones=["+49 30 23125417", "+49 171 4827316"],
            addresses=[_address("Kantstraße 48", "10625", "Berlin")],
        ),
        holdings=[
            HoldingInput(kind="account", name="Girokonto", identifier=_spaced(giro), balance=Decimal("-37.80"),
                         started_on=dt.date(1994, 3, 1),
                         key_figures={"Dispositionsrahmen": "5.000,00 €", "Gehaltseingang": "monatlich"}),
            HoldingInput(kind="account", name="Tagesgeldkonto", identifier=_spaced(tagesgeld),
                         balance=Decimal("48250.00"), started_on=dt.date(2009, 6, 15),
                         key_figures={"Zinssatz": "2,25 %"}),
            HoldingInput(kind="account", name="Wertpapierdepot", identifier="DEP-40817733",
                         balance=Decimal("112430.55"), started_on=dt.date(2001, 9, 3),
                         key_figures={"Sparplan": "500,00 € monatlich"}),
            HoldingInput(kind="account", name="Kreditkarte Gold", identifier="**** **** **** 4821",
                         balance=Decimal("-412.90"), started_on=dt.date(2012, 1, 10),
                         key_figures={"Kreditrahmen": "10.000,00 €"}),
            HoldingInput(kind="contract", name="Bausparvertrag", identifier="BSV-2231907",
                         balance=Decimal("18600.00"), started_on=dt.date(2016, 5, 1), ends_on=dt.date(2029, 4, 30),
                         key_figures={"Bausparsumme": "60.000,00 €"}),
        ],
        contacts=[
            _Contact(340, "in_person", "inbound", "Beratungsgespräch Geldanlage",
                     "Depot um einen ETF-Sparplan über 500 € monatlich erweitert. Kunde wünscht Informationen "
                     "lieber per Brief als per E-Mail.", "agent"),
            _Contact(300, "letter", "outbound", "Bestätigung Sparplan", "Sparplan-Bestätigung verschickt.", "agent"),
            _Contact(210, "phone", "inbound", "Frage zum Freistellungsauftrag",
                     "Freistellungsauftrag auf 1.000 € erhöht, schriftliche Bestätigung zugesagt.", "agent"),
            _Contact(150, "portal", "inbound", "Portal: Versandart Kontoauszüge",
                     "Kontoauszüge im Portal auf Papierversand umgestellt."),
            _Contact(95, "feedback", "inbound", "Feedback nach Beratung",
                     "Anliegen erfüllt, sehr kompetente Beratung: 5 von 5."),
            _Contact(40, "letter", "outbound", "Kontoauszug 3. Quartal", "Quartalsauszug mit Rechnungsabschluss."),
            _Contact(6, "letter", "outbound", "Zahlungserinnerung: Ihr Girokonto ist überzogen",
                     "Automatisches Mahnschreiben: Girokonto mit 37,80 € im Soll. Aufforderung zum Ausgleich "
                     "binnen 7 Tagen, Hinweis auf eine mögliche Kündigung der Geschäftsverbindung."),
            _Contact(4, "phone", "inbound", "Beschwerde über Mahnschreiben",
                     "Herr Dr. Hartmann ist sehr verärgert: Mahnung mit Kündigungsandrohung wegen 37,80 €, "
                     "obwohl er seit über 30 Jahren Kunde ist und mehr als 48.000 € auf dem Tagesgeld hat. "
                     "Rückruf durch die Teamleitung für morgen Vormittag zugesagt.", "agent"),
            _Contact(3, "phone", "outbound", "Rückruf Teamleitung: Entschuldigung",
                     "Für das Schreiben entschuldigt. Überziehung mit seinem Einverständnis vom Tagesgeld "
                     "ausgeglichen, Mahngebühr erstattet, als Kulanz einen Blumenstrauß geschickt. Fall an die "
                     "Fachabteilung gemeldet: Mahnläufe sollen den Gesamtbestand des Kunden berücksichtigen.",
                     "teamlead"),
            _Contact(2, "letter", "outbound", "Persönlicher Brief der Teamleitung",
                     "Entschuldigung in Briefform, wie vom Kunden bevorzugt.", "teamlead"),
            _Contact(1, "feedback", "inbound", "Feedback nach Rückruf",
                     "Anliegen erfüllt, fühlte sich ernst genommen; der Ärger über das erste Schreiben bleibt: "
                     "4 von 5."),
        ],
        notes=[
            ("Bevorzugt Anrufe am Vormittag und Post statt E-Mail. Möchte mit „Herr Dr. Hartmann“ "
             "angesprochen werden.", False, "agent"),
            ("Ehefrau im Frühjahr verstorben – bitte mit besonderer Rücksicht ansprechen; "
             "Nachlassangelegenheiten laufen über das Notariat.", True, "teamlead"),
        ],
        consents=[
            ("email", "newsletter", True, "webform", "Newsletter-Anmeldung auf der Website", 400),
            ("email", "newsletter", False, "email", "Abmeldelink im Newsletter", 120),
            ("phone", "marketing", False, "phone", "Telefonat mit dem Service: keine Werbeanrufe", 200),
            ("letter", "service", True, "letter", "Schriftliche Erklärung", 900),
        ],
    )

    sonnenkorn = _Story(
        data=CustomerInput(
            profile=ProfileInput(kind="organisation", name="Bäckerei Sonnenkorn", legal_form="GmbH",
                                 vat_id=gen.vat_id("DE", "GmbH", always=True),
                                 register_entry="Amtsgericht München, HRB 187342",
                                 website="https://www.baeckerei-sonnenkorn.de"),
            emails=["info@baeckerei-sonnenkorn.de", "buchhaltung@baeckerei-sonnenkorn.de"],
            phones=["+49 89 99998112"],
            addresses=[_address("Tegernseer Landstraße 161", "81539", "München")],
            sites=[
                _site("Backstube Giesing", "BS-01", _address("Tegernseer Landstraße 161", "81539", "München"),
                      _address("Schwanthalerstraße 72", "80336", "München", recipient="Sonnenkorn Verwaltung"),
                      iban("70150000"), "SONNENKORN-BS01-2021", dt.date(2021, 2, 1),
                      "rechnung@baeckerei-sonnenkorn.de"),
                _site("Filiale Schwabing", "FIL-02", _address("Leopoldstraße 56", "80802", "München"),
                      _address("Hohenzollernstraße 30", "80801", "München", recipient="Filialleitung Schwabing"),
                      iban("70020270"), "SONNENKORN-FIL02-2021", dt.date(2021, 3, 15),
                      "schwabing@baeckerei-sonnenkorn.de"),
                _site("Filiale Haidhausen", "FIL-03", _address("Weißenburger Straße 21", "81667", "München"),
                      _address("Rosenheimer Straße 145", "81671", "München", recipient="Filialleitung Haidhausen"),
                      iban("70090100"), "SONNENKORN-FIL03-2022", dt.date(2022, 7, 1),
                      "haidhausen@baeckerei-sonnenkorn.de"),
                _site("Filiale Pasing", "FIL-04", _address("Bäckerstraße 3", "81241", "München"),
                      _address("Gleichmannstraße 10", "81241", "München", recipient="Filialleitung Pasing"),
                      iban("50010517"), "SONNENKORN-FIL04-2023", dt.date(2023, 10, 1),
                      "pasing@baeckerei-sonnenkorn.de"),
            ],
        ),
        holdings=[
            ("Backstube Giesing", _printer("Kyocera TASKalfa 3554ci", "SN-KY-3554-0187", 64, "212.840", "Büro",
                                           ago(900))),
            ("Filiale Schwabing", _printer("Brother MFC-L8900CDW", "SN-BR-8900-2231", 7, "48.312", "Laden",
                                           ago(700))),
            ("Filiale Haidhausen", _printer("Brother MFC-L8900CDW", "SN-BR-8900-2232", 38, "39.977", "Laden",
                                            ago(650))),
            ("Filiale Pasing", _printer("HP Color LaserJet Pro M479fdw", "SN-HP-479-0931", 22, "18.204", "Laden",
                                        ago(400))),
            HoldingInput(kind="contract", name="Wartungsvertrag Druck & Kopie", identifier="WV-204711",
                         started_on=ago(900), ends_on=ago(900) + dt.timedelta(days=3 * 365),
                         key_figures={"Geräte": "4", "Reaktionszeit": "nächster Werktag",
                                      "Jahrespauschale": "1.440,00 €"}),
            HoldingInput(kind="subscription", name="Tonerabo Business", identifier="ABO-733190",
                         started_on=ago(600), key_figures={"Lieferung": "automatisch bei Tonerstand unter 10 %"}),
        ],
        people=[
            ("Josef", "Sonnleitner", "mr", "j.sonnleitner@baeckerei-sonnenkorn.de", "+49 89 99998113",
             "Geschäftsführung", "", True),
            ("Claudia", "Brandl", "ms", "c.brandl@baeckerei-sonnenkorn.de", "+49 89 99998114", "Buchhaltung", "",
             False),
            ("Stefan", "Meier", "mr", "s.meier@baeckerei-sonnenkorn.de", "+49 160 5530172", "Einkauf", "", False),
            ("Anna", "Lechner", "ms", "schwabing@baeckerei-sonnenkorn.de", "+49 151 22871904", "Filialleitung",
             "Filiale Schwabing", False),
            ("Mehmet", "Yildiz", "mr", "haidhausen@baeckerei-sonnenkorn.de", "+49 176 40918273",
             "Filialleitung", "Filiale Haidhausen", False),
            ("Theresa", "Gruber", "ms", "pasing@baeckerei-sonnenkorn.de", "+49 170 8831245", "Filialleitung",
             "Filiale Pasing", False),
        ],
        contacts=[
            _Contact(330, "in_person", "outbound", "Jahresgespräch mit der Geschäftsführung",
                     "Herr Sonnleitner plant eine vierte Filiale in Pasing; jede Filiale soll eigene Rechnungen "
                     "und ein eigenes Konto bekommen.", "teamlead"),
            _Contact(300, "email", "inbound", "Rechnung an falsche Adresse",
                     "Die Rechnung der Filiale Schwabing ging an die Backstube. Bitte künftig an die Filialleitung "
                     "Schwabing und per Lastschrift vom Filialkonto.", "", "Filiale Schwabing"),
            _Contact(299, "email", "outbound", "Korrigierte Rechnung Filiale Schwabing",
                     "Rechnung an die Rechnungsadresse der Filiale neu ausgestellt, Lastschrift vom Filialkonto.",
                     "agent", "Filiale Schwabing"),
            _Contact(240, "portal", "inbound", "Portal: neue Filiale Pasing angelegt",
                     "Lieferadresse, Rechnungsadresse und SEPA-Mandat der Filiale Pasing im Portal erfasst.",
                     "", "Filiale Pasing"),
            _Contact(120, "order", "inbound", "Bestellung B-2026-31877", "Toner schwarz und Papier für die "
                     "Filiale Haidhausen, Lieferung an die Filialadresse.", "", "Filiale Haidhausen"),
            _Contact(75, "phone", "inbound", "Störung Drucker Pasing",
                     "Papierstau mit Fehlermeldung; Techniker für den nächsten Werktag eingeplant.", "agent",
                     "Filiale Pasing"),
            _Contact(74, "feedback", "inbound", "Feedback nach Technikereinsatz",
                     "Techniker pünktlich und freundlich, Problem gelöst: 5 von 5.", "", "Filiale Pasing"),
            _Contact(30, "email", "inbound", "Sammelrechnung gewünscht?",
                     "Frau Brandl fragt, ob zusätzlich eine Monatsübersicht über alle Filialen möglich ist; die "
                     "Rechnungen sollen aber bei den Filialen bleiben.", ""),
            _Contact(29, "email", "outbound", "Ihre Monatsübersicht",
                     "Monatsübersicht aller Filialen zugesagt, Rechnungen bleiben je Filiale.", "agent"),
            _Contact(2, "order", "inbound", "Automatische Nachbestellung: Toner für Filiale Schwabing",
                     "Der Drucker der Filiale Schwabing meldet 7 % Toner; Tonerabo bestellt automatisch, Lieferung "
                     "an die Filialadresse, Lastschrift vom Filialkonto.", "", "Filiale Schwabing"),
        ],
        consents=[("email", "newsletter", True, "portal", "Einstellungen im Kundenportal", 500)],
    )
    return [hartmann, sonnenkorn, *_more_organisations(gen, ago)]


def _more_organisations(gen: Generator, ago: Callable[[int], dt.date]) -> list[_Story]:
    def iban(bank_code: str) -> str:
        return gen.bank("DE", bank_code=bank_code).iban

    def org(name: str, legal_form: str, domain: str, phone: str, address: AddressInput, sites: list[SiteInput],
            register: str) -> CustomerInput:
        return CustomerInput(
            profile=ProfileInput(kind="organisation", name=name, legal_form=legal_form,
                                 vat_id=gen.vat_id("DE", legal_form or "GmbH"), register_entry=register,
                                 website=f"https://www.{domain}"),
            emails=[f"info@{domain}"], phones=[phone], addresses=[address], sites=sites,
        )

    same = None  # invoices go to the delivery address
    krueger = _Story(
        data=org("Druckerei Krüger", "GmbH & Co. KG", "druckerei-krueger.de", "+49 341 4929930",
                 _address("Karl-Heine-Straße 88", "04229", "Leipzig"), [
                     _site("Druckerei Plagwitz", "S01", _address("Karl-Heine-Straße 88", "04229", "Leipzig"), same,
                           iban("86055592"), "KRUEGER-S01-2019", dt.date(2019, 5, 1)),
                     _site("Versand Engelsdorf", "S02", _address("Hans-Weigel-Straße 2", "04319", "Leipzig"), same,
                           iban("86055592"), "KRUEGER-S02-2020", dt.date(2020, 2, 1)),
                 ], "Amtsgericht Leipzig, HRA 17731"),
        holdings=[
            ("Druckerei Plagwitz", _printer("Konica Minolta AccurioPress C4080", "SN-KM-4080-7712", 15,
                                            "1.284.003", "Druckhalle", ago(1100))),
            ("Druckerei Plagwitz", _printer("Kyocera TASKalfa 3554ci", "SN-KY-3554-0456", 81, "98.417", "Büro",
                                            ago(800))),
            ("Versand Engelsdorf", _printer("Brother MFC-L8900CDW", "SN-BR-8900-1170", 9, "22.781", "Versand",
                                            ago(500))),
            HoldingInput(kind="contract", name="Wartungsvertrag Produktionsdruck", identifier="WV-118240",
                         started_on=ago(1100), ends_on=ago(1100) + dt.timedelta(days=5 * 365),
                         key_figures={"Reaktionszeit": "4 Stunden", "Jahrespauschale": "6.900,00 €"}),
            HoldingInput(kind="subscription", name="Tonerabo Business", identifier="ABO-512004",
                         started_on=ago(700), key_figures={"Lieferung": "automatisch bei Tonerstand unter 10 %"}),
        ],
        people=[
            ("Frank", "Krüger", "mr", "f.krueger@druckerei-krueger.de", "+49 341 4929931", "Geschäftsführung", "",
             True),
            ("Sabine", "Vogt", "ms", "einkauf@druckerei-krueger.de", "+49 341 4929935", "Einkauf", "", False),
            ("Ronny", "Schubert", "mr", "versand@druckerei-krueger.de", "+49 172 3308841", "Lagerleitung",
             "Versand Engelsdorf", False),
        ],
        contacts=[
            _Contact(200, "phone", "inbound", "Cyan-Toner der AccurioPress",
                     "Produktionsdrucker verbraucht mehr Cyan als erwartet; Verbrauchsauswertung zugesagt.", "agent",
                     "Druckerei Plagwitz"),
            _Contact(150, "in_person", "outbound", "Vor-Ort-Termin Plagwitz",
                     "Bestandsaufnahme aller Geräte, Angebot für ein drittes Gerät im Versand.", "teamlead",
                     "Druckerei Plagwitz"),
            _Contact(20, "order", "inbound", "Automatische Nachbestellung: Toner Versand Engelsdorf",
                     "Tonerstand 9 %: Nachlieferung an die Versandadresse ausgelöst.", "", "Versand Engelsdorf"),
        ],
    )
    lehmann = _Story(
        data=org("Hausverwaltung Lehmann", "KG", "hausverwaltung-lehmann.de", "+49 40 66969210",
                 _address("Eppendorfer Landstraße 44", "20249", "Hamburg"), [
                     _site("Büro Eppendorf", "HV-01", _address("Eppendorfer Landstraße 44", "20249", "Hamburg"), same,
                           iban("20050550"), "LEHMANN-HV01-2018", dt.date(2018, 1, 15)),
                     _site("Objekt Winterhude", "OBJ-17", _address("Mühlenkamp 12", "22303", "Hamburg"),
                           _address("Eppendorfer Landstraße 44", "20249", "Hamburg",
                                    recipient="Hausverwaltung Lehmann – WEG Mühlenkamp"),
                           iban("20050550"), "LEHMANN-OBJ17-2020", dt.date(2020, 9, 1)),
                     _site("Objekt Barmbek", "OBJ-23", _address("Fuhlsbüttler Straße 110", "22305", "Hamburg"),
                           _address("Eppendorfer Landstraße 44", "20249", "Hamburg",
                                    recipient="Hausverwaltung Lehmann – WEG Fuhlsbüttler Straße"),
                           iban("10070000"), "LEHMANN-OBJ23-2022", dt.date(2022, 4, 1)),
                 ], "Amtsgericht Hamburg, HRA 120417"),
        holdings=[
            ("Büro Eppendorf", _printer("Ricoh IM C3000", "SN-RI-3000-5521", 45, "77.310", "Büro", ago(600))),
            HoldingInput(kind="contract", name="Wartungsvertrag Druck & Kopie", identifier="WV-330981",
                         started_on=ago(600), ends_on=ago(600) + dt.timedelta(days=3 * 365),
                         key_figures={"Reaktionszeit": "8 Stunden"}),
        ],
        people=[
            ("Birgit", "Lehmann", "ms", "b.lehmann@hausverwaltung-lehmann.de", "+49 40 66969211",
             "Geschäftsführung", "", True),
            ("Jan", "Petersen", "mr", "j.petersen@hausverwaltung-lehmann.de", "+49 152 55012987",
             "Objektbetreuung", "Objekt Winterhude", False),
        ],
        contacts=[
            _Contact(90, "letter", "inbound", "Neue Eigentümergemeinschaft",
                     "Objekt Barmbek übernommen, eigenes Konto und Mandat für die WEG eingereicht.", "",
                     "Objekt Barmbek"),
            _Contact(88, "letter", "outbound", "Bestätigung SEPA-Mandat", "Mandat für das Objekt Barmbek bestätigt.",
                     "agent", "Objekt Barmbek"),
            _Contact(12, "webform", "inbound", "Kontaktformular: Rückrufbitte",
                     "Frau Lehmann bittet um Rückruf wegen einer Jahresabrechnung.", ""),
        ],
    )
    oeztuerk = _Story(
        data=org("Zahnarztpraxis Dr. Öztürk & Kollegen", "GbR", "zahnarzt-oeztuerk.de", "+49 221 47106690",
                 _address("Aachener Straße 210", "50931", "Köln"), [
                     _site("Praxis Lindenthal", "P01", _address("Aachener Straße 210", "50931", "Köln"), same,
                           iban("37050198"), "OEZTUERK-P01-2020", dt.date(2020, 11, 1)),
                 ], ""),
        holdings=[
            ("Praxis Lindenthal", _printer("Brother MFC-L8900CDW", "SN-BR-8900-3391", 54, "31.006", "Praxisempfang",
                                           ago(500))),
            HoldingInput(kind="subscription", name="Tonerabo Business", identifier="ABO-610277",
                         started_on=ago(480), key_figures={"Lieferung": "automatisch bei Tonerstand unter 10 %"}),
        ],
        people=[
            ("Elif", "Öztürk", "ms", "praxis@zahnarzt-oeztuerk.de", "+49 221 47106691", "Inhaberin", "", True),
            ("Katharina", "Schmitz", "ms", "verwaltung@zahnarzt-oeztuerk.de", "+49 221 47106692",
             "Praxismanagement", "Praxis Lindenthal", False),
        ],
        contacts=[
            _Contact(60, "chat", "inbound", "Chat: Lieferstatus Toner", "Lieferung kommt heute.", "agent",
                     "Praxis Lindenthal"),
            _Contact(58, "feedback", "inbound", "Feedback nach Chat", "Schnell und freundlich: 5 von 5.", "",
                     "Praxis Lindenthal"),
        ],
    )
    nordlicht = _Story(
        data=org("Nordlicht IT-Systemhaus", "GmbH", "nordlicht-it.de", "+49 431 5576600",
                 _address("Holstenstraße 50", "24103", "Kiel"), [
                     _site("Zentrale Kiel", "KI", _address("Holstenstraße 50", "24103", "Kiel"), same,
                           iban("12030000"), "NORDLICHT-KI-2019", dt.date(2019, 3, 1)),
                     _site("Niederlassung Hamburg", "HH", _address("Hammerbrookstraße 90", "20097", "Hamburg"),
                           _address("Holstenstraße 50", "24103", "Kiel", recipient="Nordlicht – Buchhaltung"),
                           iban("20050550"), "NORDLICHT-HH-2021", dt.date(2021, 8, 1)),
                 ], "Amtsgericht Kiel, HRB 21987"),
        holdings=[
            ("Zentrale Kiel", _printer("Lexmark CX735adse", "SN-LX-735-1120", 71, "64.118", "Büro 1. OG", ago(700))),
            ("Niederlassung Hamburg", _printer("Lexmark CX735adse", "SN-LX-735-1121", 12, "41.902", "Empfang",
                                               ago(650))),
            HoldingInput(kind="contract", name="Partnervertrag Druckmanagement", identifier="PV-2021-014",
                         started_on=ago(650), key_figures={"Rabattstufe": "B", "Kunden im Managed Print": "37"}),
        ],
        people=[
            ("Malte", "Hansen", "mr", "m.hansen@nordlicht-it.de", "+49 431 5576601", "Geschäftsführung", "", True),
            ("Wiebke", "Jensen", "ms", "buchhaltung@nordlicht-it.de", "+49 431 5576605", "Buchhaltung", "", False),
            ("Lars", "Petersen", "mr", "l.petersen@nordlicht-it.de", "+49 40 66969377", "IT-Leitung",
             "Niederlassung Hamburg", False),
        ],
        contacts=[
            _Contact(170, "social", "inbound", "LinkedIn: Partnerschaft",
                     "Interesse an gemeinsamen Angeboten für Managed Print.", ""),
            _Contact(165, "in_person", "outbound", "Kennenlernen in Kiel",
                     "Partnervertrag besprochen, Konditionen Rabattstufe B.", "teamlead", "Zentrale Kiel"),
            _Contact(15, "portal", "inbound", "Portal: Zugang für Kollegen",
                     "Zugang für Lars Petersen (Niederlassung Hamburg) angelegt.", "", "Niederlassung Hamburg"),
        ],
    )
    return [krueger, lehmann, oeztuerk, nordlicht]


def _spaced(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


# --- Loading ------------------------------------------------------------------------------


class _Loader:
    def __init__(self, users: dict[str, User], now: dt.datetime) -> None:
        self.users = users
        self.now = now
        self.report = DemoReport()

    def at(self, days_ago: float, hour: int | None = None) -> dt.datetime:
        moment = self.now - dt.timedelta(days=days_ago)
        if hour is not None and days_ago >= 1:
            moment = moment.replace(hour=hour, minute=(int(days_ago * 37) % 60))
        return moment

    def create(self, data: CustomerInput) -> Customer:
        self.report.customers += 1
        return services.customer_create(actor=self.users["agent"], data=data)

    def contact(self, customer: Customer, item: _Contact, sites: dict[str, Site]) -> None:
        interaction_record(
            customer=customer, channel=item.channel, direction=item.direction,
            occurred_at=self.at(item.days_ago, hour=9 + int(item.days_ago * 7) % 9),
            subject=item.subject, summary=item.summary, site=sites.get(item.site),
            actor=self.users.get(item.by) if item.by else None,
        )
        self.report.interactions += 1

    def story(self, story: _Story) -> Customer:
        customer = self.create(story.data)
        sites = {s.name: s for s in Site.objects.filter(organisation=customer)}
        for holding in story.holdings:
            site_name, data = holding if isinstance(holding, tuple) else ("", holding)
            if site_name:
                data.site_id = sites[site_name].pk
            services.holding_add(actor=self.users["agent"], customer=customer, data=data)
        for first, last, salutation, email, phone, role, site_name, main in story.people:
            person = self.create(CustomerInput(
                profile=ProfileInput(kind="person", salutation=salutation, first_name=first, last_name=last),
                emails=[email], phones=[phone],
            ))
            services.membership_add(actor=self.users["agent"], person=person, organisation=customer, role=role,
                                    site=sites.get(site_name), is_main_contact=main)
        for text, sensitive, by in story.notes:
            services.note_add(actor=self.users[by], customer=customer, text=text, is_sensitive=sensitive)
        for channel, purpose, granted, source, detail, days in story.consents:
            services.consent_record(actor=self.users["agent"], customer=customer, channel=channel, purpose=purpose,
                                    granted=granted, source=source, source_detail=detail, recorded_at=self.at(days))
        for item in story.contacts:
            self.contact(customer, item, sites)
        return customer

    def generated(self, gen: Generator, spec: PersonSpec | OrganisationSpec) -> Customer:
        if isinstance(spec, PersonSpec):
            data = CustomerInput(
                profile=ProfileInput(kind="person", salutation=spec.salutation, title=spec.title,
                                     first_name=spec.first_name, last_name=spec.last_name,
                                     birth_date=spec.birth_date, language=spec.language),
                emails=spec.emails, phones=[p.e164 for p in spec.phones],
                addresses=[_address_input(spec.address)] if spec.address else [],
            )
        else:
            data = CustomerInput(
                profile=ProfileInput(kind="organisation", name=spec.name, legal_form=spec.legal_form,
                                     vat_id=spec.vat_id, register_entry=spec.register_entry, website=spec.website,
                                     language=spec.language),
                emails=spec.emails, phones=[p.e164 for p in spec.phones],
                addresses=[_address_input(spec.address)] if spec.address else [],
                sites=[
                    SiteInput(
                        name=s.name, code=s.code, delivery_address=_address_input(s.delivery),
                        invoice_address=_address_input(s.invoice, s.invoice_recipient) if s.invoice else None,
                        invoice_email=s.invoice_email,
                        bank_account=BankAccountInput(
                            iban=spec.banks[s.bank_index].iban,
                            mandate_reference=spec.banks[s.bank_index].mandate_reference,
                            mandate_signed_on=spec.banks[s.bank_index].mandate_signed_on,
                        ) if s.bank_index is not None else None,
                    )
                    for s in spec.sites
                ],
            )
        customer = self.create(data)
        site_list = list(Site.objects.filter(organisation=customer).order_by("id"))
        for holding in spec.holdings:
            services.holding_add(actor=self.users["agent"], customer=customer, data=_holding_input(holding, site_list))
        for consent in spec.consents:
            services.consent_record(
                actor=self.users["agent"], customer=customer, channel=consent.channel, purpose=consent.purpose,
                granted=consent.granted, source=consent.source, source_detail=consent.source_detail,
                recorded_at=self.at(consent.days_ago),
            )
        rng = gen.rng
        count = rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 10, 12))
        for when, channel, direction, subject, summary, site_index in gen.interactions(
            organisation=isinstance(spec, OrganisationSpec), count=count, now=int(self.now.timestamp()),
            site_names=[s.name for s in site_list], city=spec.address.city if spec.address else "",
        ):
            by = rng.choice(("agent", "agent", "teamlead")) if direction != "inbound" or channel == "phone" else ""
            interaction_record(
                customer=customer, channel=channel, direction=direction,
                occurred_at=dt.datetime.fromtimestamp(when, tz=dt.UTC), subject=subject, summary=summary,
                site=site_list[site_index] if site_index is not None else None,
                actor=self.users[by] if by else None,
            )
            self.report.interactions += 1
        return customer


def _address_input(spec: AddressSpec, recipient: str = "") -> AddressInput:
    return AddressInput(street=spec.street, postal_code=spec.postal_code, city=spec.city, country=spec.country,
                        recipient=recipient)


def _holding_input(spec: HoldingSpec, sites: list[Site]) -> HoldingInput:
    return HoldingInput(
        kind=spec.kind, name=spec.name, identifier=spec.identifier, status=spec.status, balance=spec.balance,
        started_on=spec.started_on, ends_on=spec.ends_on, key_figures=dict(spec.key_figures),
        site_id=sites[spec.site_index].pk if spec.site_index is not None else None,
    )


def demo_loaded() -> bool:
    return Event.objects.filter(name=DEMO_EVENT).exists()


def demo_load(*, persons: int = 160, organisations: int = 24) -> DemoReport:
    """Write the demo customers once (one transaction: all or nothing). Needs the demo users."""
    started = time.perf_counter()
    users = {u.username: u for u in User.objects.filter(username__in=[u[0] for u in _DEMO_USERS])}
    now = timezone.now()
    gen = Generator(random.Random(DEMO_SEED), today=timezone.localdate())
    loader = _Loader(users, now)
    with transaction.atomic():
        if demo_loaded():
            return DemoReport()
        stories = _stories(gen, timezone.localdate())
        for story in stories:
            loader.story(story)
        people = [loader.generated(gen, gen.person()) for _ in range(persons)]
        for _ in range(organisations):
            organisation = loader.generated(gen, gen.organisation(sites=gen.rng.choice((1, 1, 2, 3))))
            sites = list(Site.objects.filter(organisation=organisation).order_by("id"))
            for position, person in enumerate(gen.rng.sample(people, k=gen.rng.choice((1, 2)))):
                services.membership_add(
                    actor=users["agent"], person=person, organisation=organisation,
                    role=gen.choice(("Geschäftsführung", "Einkauf", "Buchhaltung", "Inhaber", "Inhaberin")),
                    site=sites[-1] if position and len(sites) > 1 else None, is_main_contact=position == 0,
                )
        event_record(name=DEMO_EVENT, aggregate_type="demo", aggregate_id=DEMO_SEED,
                     payload={"customers": loader.report.customers, "interactions": loader.report.interactions})
    loader.report.seconds = time.perf_counter() - started
    return loader.report
