"""Millions of customers by bulk inserts, with exactly the rows the services would write.

The services are the only writers in normal operation; at a million customers they would take
hours (each create writes its audit history, an event and its search keys row by row). This
writer produces the same table contents from the same generator in large batches: customer
numbers from the customer-number sequence (reserved per batch), ``display_name`` from
``Customer.compose_display_name()``, contact points normalised as ``contact_point_validate``
leaves them, bank details completed by ``bank_details_validate`` and search keys from
``customers.search.keys_for_values``. What it skips on purpose: audit history rows and outbox
events (nothing happened that anybody needs to be told about).

On PostgreSQL rows go in with ``COPY`` (psycopg 3), on SQLite with ``executemany`` in one
transaction per batch.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import translation

from kundennah.accounts.models import User
from kundennah.core.addresses import Address
from kundennah.core.banking import bank_details_validate
from kundennah.core.sequences import sequence_reserve
from kundennah.customers.models import (
    BankAccount,
    Consent,
    ContactPoint,
    Customer,
    Holding,
    Membership,
    SearchKey,
    Site,
)
from kundennah.customers.search import keys_for_values
from kundennah.customers.seeding.generate import (
    AddressSpec,
    BankSpec,
    Generator,
    OrganisationSpec,
    PersonSpec,
)
from kundennah.customers.seeding.german_data import MEMBERSHIP_ROLES
from kundennah.customers.services.customers import (
    CUSTOMER_NUMBER_SEQUENCE,
    CUSTOMER_NUMBER_START,
    customer_number_format,
)
from kundennah.timeline.models import Interaction

Row = tuple[Any, ...]

CUSTOMER_FIELDS = (
    "id", "number", "kind", "status", "salutation", "title", "first_name", "last_name", "birth_date", "name",
    "legal_form", "vat_id", "register_entry", "display_name", "language", "website", "version", "created_at",
    "updated_at",
)
CONTACT_POINT_FIELDS = (
    "customer_id", "kind", "label", "value", "street", "address_extra", "postal_code", "city", "country",
    "network", "is_primary", "is_verified", "status", "version", "created_at", "updated_at",
)
BANK_ACCOUNT_FIELDS = (
    "id", "customer_id", "holder", "iban", "bic", "bank_name", "mandate_reference", "mandate_signed_on",
    "version", "created_at", "updated_at",
)
SITE_FIELDS = (
    "id", "organisation_id", "name", "code", "delivery_recipient", "delivery_extra", "delivery_street",
    "delivery_postal_code", "delivery_city", "delivery_country", "invoice_recipient", "invoice_extra",
    "invoice_street", "invoice_postal_code", "invoice_city", "invoice_country", "invoice_email",
    "bank_account_id", "is_active", "version", "created_at", "updated_at",
)
MEMBERSHIP_FIELDS = (
    "person_id", "organisation_id", "site_id", "role", "is_main_contact", "version", "created_at", "updated_at",
)
HOLDING_FIELDS = (
    "customer_id", "site_id", "kind", "name", "identifier", "status", "balance", "currency", "started_on",
    "ends_on", "key_figures", "version", "created_at", "updated_at",
)
CONSENT_FIELDS = (
    "customer_id", "channel", "purpose", "granted", "recorded_at", "source", "source_detail", "recorded_by_id",
)
SEARCH_KEY_FIELDS = ("customer_id", "kind", "key")
INTERACTION_FIELDS = (
    "customer_id", "site_id", "channel", "direction", "occurred_at", "subject", "summary", "actor_id",
    "source_type", "source_id", "external_key", "created_at",
)

# Heavy customers get 200, 250, … 400 contacts: the first one is the 360 benchmark's customer.
HEAVY_BASE, HEAVY_STEP = 200, 50

# Interactions recorded by an employee (the others come in by themselves: web form, portal, order…).
_STAFF_CHANNELS = {"phone", "in_person", "letter", "email", "chat", "social"}


@dataclass
class SeedOptions:
    customers: int
    interactions_per_customer: int = 10
    heavy_customers: int = 10
    batch_size: int = 5000
    seed: int = 1
    organisation_share: float = 0.2


@dataclass
class SeedProgress:
    customers: int
    total: int
    interactions: int
    seconds: float


@dataclass
class SeedReport:
    customers: int = 0
    organisations: int = 0
    sites: int = 0
    contact_points: int = 0
    search_keys: int = 0
    interactions: int = 0
    seconds: float = 0.0
    analyse_seconds: float = 0.0
    heavy_customer_ids: list[int] = field(default_factory=list)
    first_number: str = ""
    last_number: str = ""


# --- Database writers ---------------------------------------------------------------------


def _columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    # get_field knows attnames too ("customer_id"), so the field lists read like the rows.
    return [str(model._meta.get_field(name).column) for name in fields]  # type: ignore[union-attr]


class _Writer:
    """Reserves primary keys and inserts rows; one subclass per database engine."""

    def __init__(self) -> None:
        self.cursor = connection.connection.cursor()

    def timestamp(self, epoch: int) -> str:
        raise NotImplementedError

    def begin_batch(self) -> None:
        """Called inside each batch's transaction."""

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        raise NotImplementedError

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: list[Row]) -> None:
        raise NotImplementedError

    def prepare(self) -> None:
        """Session settings for a long bulk load."""

    def finish(self) -> None:
        """Undo ``prepare`` and refresh the planner's statistics."""


class _SqliteWriter(_Writer):
    def __init__(self) -> None:
        super().__init__()
        self._next: dict[str, int] = {}
        self._cache_size = -64000

    def timestamp(self, epoch: int) -> str:
        # What Django's SQLite backend stores for an aware datetime: naive UTC text.
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))

    def prepare(self) -> None:
        # A large page cache keeps the search-key index (random inserts) in memory.
        self._cache_size = self.cursor.execute("PRAGMA cache_size").fetchone()[0]
        self.cursor.execute("PRAGMA cache_size=-1048576")

    def begin_batch(self) -> None:
        # The batch runs under BEGIN IMMEDIATE: we hold the write lock, nobody else inserts now.
        self._next.clear()

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        table = model._meta.db_table
        if table not in self._next:
            # AUTOINCREMENT tables never reuse an id, so start after the highest ever handed out.
            row = self.cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
            highest = self.cursor.execute(f'SELECT MAX(id) FROM "{table}"').fetchone()  # noqa: S608
            self._next[table] = max(row[0] if row else 0, highest[0] or 0) + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        columns = ", ".join(f'"{c}"' for c in _columns(model, fields))
        marks = ", ".join("?" * len(fields))
        sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks})'  # noqa: S608
        self.cursor.executemany(sql, rows)

    def finish(self) -> None:
        self.cursor.execute(f"PRAGMA cache_size={int(self._cache_size)}")
        # Sampled statistics: a full ANALYZE would read every row of every index.
        self.cursor.execute("PRAGMA analysis_limit=2000")
        self.cursor.execute("ANALYZE")


class _PostgresWriter(_Writer):
    def timestamp(self, epoch: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime(epoch))

    def prepare(self) -> None:
        # Losing the last batches on a crash is fine for generated data; waiting for every
        # commit to reach the disk is not.
        self.cursor.execute("SET synchronous_commit = off")

    def reserve_ids(self, model: type[models.Model], count: int) -> list[int]:
        self.cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            (model._meta.db_table, count),
        )
        return [row[0] for row in self.cursor.fetchall()]

    def insert(self, model: type[models.Model], fields: Sequence[str], rows: list[Row]) -> None:
        if not rows:
            return
        columns = ", ".join(f'"{c}"' for c in _columns(model, fields))
        with self.cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)

    def finish(self) -> None:
        self.cursor.execute("RESET synchronous_commit")
        tables = [m._meta.db_table for m in (Customer, ContactPoint, BankAccount, Site, Membership, Holding,
                                              Consent, SearchKey, Interaction)]
        # VACUUM sets the visibility map, so the search's index-only scans stay index-only. It
        # cannot run inside a transaction (a test, a caller's atomic block): then ANALYZE only.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in tables:
            self.cursor.execute(f'{command} "{table}"')


def _writer() -> _Writer:
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        return _PostgresWriter()
    if connection.vendor == "sqlite":
        return _SqliteWriter()
    raise NotImplementedError(f"Bulk seeding does not support {connection.vendor}.")


# --- Rows from specs ----------------------------------------------------------------------


class _BankRegister:
    """BIC and bank name per bank code, looked up once the way the services do."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], tuple[str, str]] = {}

    def lookup(self, bank: BankSpec) -> tuple[str, str]:
        key = (bank.country, bank.bank_code)
        if key not in self._known:
            details = bank_details_validate(iban=bank.iban)
            self._known[key] = (details.bic, details.bank_name)
        return self._known[key]


def _postal_row(customer_id: int, address: AddressSpec, primary: bool, stamp: str) -> Row:
    one_line = Address(street=address.street, postal_code=address.postal_code, city=address.city,
                       country=address.country).one_line()[:320]
    return (customer_id, "postal", "", one_line, address.street, "", address.postal_code, address.city,
            address.country, "", primary, False, "active", 1, stamp, stamp)


@dataclass
class _Batch:
    """The rows of one batch, table by table."""

    customers: list[Row] = field(default_factory=list)
    contact_points: list[Row] = field(default_factory=list)
    bank_accounts: list[Row] = field(default_factory=list)
    sites: list[Row] = field(default_factory=list)
    memberships: list[Row] = field(default_factory=list)
    holdings: list[Row] = field(default_factory=list)
    consents: list[Row] = field(default_factory=list)
    search_keys: list[Row] = field(default_factory=list)
    interactions: list[Row] = field(default_factory=list)


class BulkSeeder:
    def __init__(self, options: SeedOptions, *, progress: Callable[[SeedProgress], None] | None = None) -> None:
        self.options = options
        self.progress = progress
        self.banks = _BankRegister()
        self.now = int(time.time())
        self.today = dt.date.today()
        count, heavy = options.customers, min(options.heavy_customers, options.customers)
        spacing = max(1, count // heavy) if heavy else 0
        # Spread over the run so persons and organisations, early and late batches are among them.
        self.heavy = {j * spacing: HEAVY_BASE + HEAVY_STEP * (j % 5) for j in range(heavy)}
        self.staff_ids = list(
            User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.TEAM_LEAD, User.Role.ADMIN])
            .order_by("id").values_list("id", flat=True)[:50]
        )

    def run(self) -> SeedReport:
        report = SeedReport()
        started = time.perf_counter()
        writer = _writer()
        writer.prepare()
        try:
            with translation.override(settings.LANGUAGE_CODE):
                done = 0
                while done < self.options.customers:
                    size = min(self.options.batch_size, self.options.customers - done)
                    with transaction.atomic():
                        writer.begin_batch()
                        self._batch(writer, offset=done, size=size, report=report)
                    done += size
                    report.seconds = time.perf_counter() - started
                    if self.progress:
                        self.progress(SeedProgress(done, self.options.customers, report.interactions, report.seconds))
        finally:
            analysed = time.perf_counter()
            writer.finish()
            report.analyse_seconds = time.perf_counter() - analysed
        report.seconds = time.perf_counter() - started
        return report

    def _batch(self, writer: _Writer, *, offset: int, size: int, report: SeedReport) -> None:
        first = sequence_reserve(name=CUSTOMER_NUMBER_SEQUENCE, count=size, start=CUSTOMER_NUMBER_START)
        # Seeded per batch by its first number: deterministic on an empty database, and a
        # second run adds new people instead of the same ones again.
        gen = Generator(random.Random(f"{self.options.seed}:{first}"), today=self.today)
        rng = gen.rng
        numbers = [customer_number_format(first + i) for i in range(size)]
        specs: list[PersonSpec | OrganisationSpec] = [
            gen.organisation(number=number) if rng.random() < self.options.organisation_share
            else gen.person(number=number)
            for number in numbers
        ]
        ids = writer.reserve_ids(Customer, size)
        bank_ids = iter(writer.reserve_ids(
            BankAccount, sum(len(s.banks) for s in specs if isinstance(s, OrganisationSpec))
        ))
        site_ids = iter(writer.reserve_ids(
            Site, sum(len(s.sites) for s in specs if isinstance(s, OrganisationSpec))
        ))
        batch = _Batch()
        persons: list[int] = []
        for index, (customer_id, number, spec) in enumerate(zip(ids, numbers, specs, strict=True)):
            created = self.now - rng.randint(400, 3000) * 86400
            stamp = writer.timestamp(created)
            if isinstance(spec, PersonSpec):
                persons.append(customer_id)
                customer = Customer(
                    id=customer_id, number=number, kind=Customer.Kind.PERSON, salutation=spec.salutation,
                    title=spec.title, first_name=spec.first_name, last_name=spec.last_name,
                    birth_date=spec.birth_date, language=spec.language,
                )
            else:
                report.organisations += 1
                customer = Customer(
                    id=customer_id, number=number, kind=Customer.Kind.ORGANISATION, name=spec.name,
                    legal_form=spec.legal_form, vat_id=spec.vat_id, register_entry=spec.register_entry,
                    website=spec.website, language=spec.language,
                )
            customer.display_name = customer.compose_display_name()
            batch.customers.append((
                customer_id, number, customer.kind, "active", customer.salutation, customer.title,
                customer.first_name, customer.last_name,
                customer.birth_date.isoformat() if customer.birth_date else None, customer.name,
                customer.legal_form, customer.vat_id, customer.register_entry, customer.display_name,
                customer.language, customer.website, 1, stamp, stamp,
            ))
            points = self._contact_points(batch, customer_id, spec, stamp)
            site_ids_of_customer: list[int] = []
            site_rows: list[Row] = []
            ibans: list[str] = []
            if isinstance(spec, OrganisationSpec):
                site_ids_of_customer, site_rows, ibans = self._sites(
                    batch, customer, spec, bank_ids, site_ids, stamp
                )
                report.sites += len(site_rows)
            self._holdings(batch, customer_id, spec, site_ids_of_customer, stamp)
            for consent in spec.consents:
                when = self.now - consent.days_ago * 86400 - rng.randint(0, 86399)
                batch.consents.append((customer_id, consent.channel, consent.purpose, consent.granted,
                                       writer.timestamp(when), consent.source, consent.source_detail, None))
            keys = keys_for_values(
                customer=customer, contact_points=points, site_names=[r[2] for r in site_rows],
                site_postcodes=[r[7] for r in site_rows], ibans=ibans,
            )
            batch.search_keys.extend((customer_id, str(kind), key) for kind, key in keys)
            count = self.heavy.get(offset + index)
            if count is not None:
                report.heavy_customer_ids.append(customer_id)
            else:
                count = rng.randint(0, 2 * self.options.interactions_per_customer)
            city = spec.address.city if spec.address else ""
            self._interactions(batch, writer, gen, customer_id, spec, site_ids_of_customer, count, city)
        self._memberships(batch, rng, specs, ids, persons, writer.timestamp(self.now))

        writer.insert(Customer, CUSTOMER_FIELDS, batch.customers)
        writer.insert(BankAccount, BANK_ACCOUNT_FIELDS, batch.bank_accounts)
        writer.insert(Site, SITE_FIELDS, batch.sites)
        writer.insert(ContactPoint, CONTACT_POINT_FIELDS, batch.contact_points)
        writer.insert(Membership, MEMBERSHIP_FIELDS, batch.memberships)
        writer.insert(Holding, HOLDING_FIELDS, batch.holdings)
        writer.insert(Consent, CONSENT_FIELDS, batch.consents)
        writer.insert(SearchKey, SEARCH_KEY_FIELDS, batch.search_keys)
        writer.insert(Interaction, INTERACTION_FIELDS, batch.interactions)

        report.customers += size
        report.contact_points += len(batch.contact_points)
        report.search_keys += len(batch.search_keys)
        report.interactions += len(batch.interactions)
        report.first_number = report.first_number or numbers[0]
        report.last_number = numbers[-1]

    def _contact_points(
        self, batch: _Batch, customer_id: int, spec: PersonSpec | OrganisationSpec, stamp: str
    ) -> list[tuple[str, str, str]]:
        """Rows as ``customer_create`` writes them: emails, phones, addresses; the first of each kind primary."""
        points: list[tuple[str, str, str]] = []
        for position, email in enumerate(spec.emails):
            batch.contact_points.append((customer_id, "email", "", email, "", "", "", "", "", "", position == 0,
                                         False, "active", 1, stamp, stamp))
            points.append(("email", email, ""))
        for position, phone in enumerate(spec.phones):
            label = "mobile" if phone.is_mobile else ""
            batch.contact_points.append((customer_id, "phone", label, phone.e164, "", "", "", "", "", "",
                                         position == 0, False, "active", 1, stamp, stamp))
            points.append(("phone", phone.e164, ""))
        if spec.address is not None:
            row = _postal_row(customer_id, spec.address, True, stamp)
            batch.contact_points.append(row)
            points.append(("postal", row[3], spec.address.postal_code))
        return points

    def _sites(
        self, batch: _Batch, customer: Customer, spec: OrganisationSpec, bank_ids: Iterable[int],
        site_ids: Iterable[int], stamp: str,
    ) -> tuple[list[int], list[Row], list[str]]:
        account_ids: list[int] = []
        ibans: list[str] = []
        for bank, bank_id in zip(spec.banks, bank_ids, strict=False):
            bic, bank_name = self.banks.lookup(bank)
            account_ids.append(bank_id)
            ibans.append(bank.iban)
            batch.bank_accounts.append((
                bank_id, customer.pk, customer.display_name, bank.iban, bic, bank_name, bank.mandate_reference,
                bank.mandate_signed_on.isoformat() if bank.mandate_signed_on else None, 1, stamp, stamp,
            ))
        ids: list[int] = []
        rows: list[Row] = []
        for site, site_id in zip(spec.sites, site_ids, strict=False):
            invoice = site.invoice
            row = (
                site_id, customer.pk, site.name, site.code, customer.display_name, "", site.delivery.street,
                site.delivery.postal_code, site.delivery.city, site.delivery.country,
                site.invoice_recipient if invoice else "", "", invoice.street if invoice else "",
                invoice.postal_code if invoice else "", invoice.city if invoice else "",
                invoice.country if invoice else "", site.invoice_email,
                account_ids[site.bank_index] if site.bank_index is not None else None, True, 1, stamp, stamp,
            )
            ids.append(site_id)
            rows.append(row)
        batch.sites.extend(rows)
        return ids, rows, ibans

    def _holdings(
        self, batch: _Batch, customer_id: int, spec: PersonSpec | OrganisationSpec,
        site_ids: list[int], stamp: str,
    ) -> None:
        for holding in spec.holdings:
            batch.holdings.append((
                customer_id, site_ids[holding.site_index] if holding.site_index is not None else None,
                holding.kind, holding.name, holding.identifier[:100], holding.status, holding.balance, "EUR",
                holding.started_on.isoformat() if holding.started_on else None,
                holding.ends_on.isoformat() if holding.ends_on else None,
                json.dumps(holding.key_figures, ensure_ascii=False), 1, stamp, stamp,
            ))

    def _interactions(
        self, batch: _Batch, writer: _Writer, gen: Generator, customer_id: int, spec: PersonSpec | OrganisationSpec,
        site_ids: list[int], count: int, city: str,
    ) -> None:
        if not count:
            return
        organisation = isinstance(spec, OrganisationSpec)
        site_names = [s.name for s in spec.sites] if isinstance(spec, OrganisationSpec) else []
        staff, rng = self.staff_ids, gen.rng
        for when, channel, direction, subject, summary, site_index in gen.interactions(
            organisation=organisation, count=count, now=self.now, site_names=site_names, city=city
        ):
            stamp = writer.timestamp(when)
            actor = staff[int(rng.random() * len(staff))] if staff and channel in _STAFF_CHANNELS else None
            site_id = site_ids[site_index] if site_index is not None and site_ids else None
            batch.interactions.append((customer_id, site_id, channel, direction, stamp, subject, summary, actor,
                                       "", "", None, stamp))

    def _memberships(
        self, batch: _Batch, rng: random.Random, specs: Sequence[PersonSpec | OrganisationSpec], ids: list[int],
        persons: list[int], stamp: str,
    ) -> None:
        """Contact persons: one to three people of the same batch per organisation."""
        if not persons:
            return
        site_ids_by_org: dict[int, list[int]] = {}
        for row in batch.sites:
            site_ids_by_org.setdefault(row[1], []).append(row[0])
        for customer_id, spec in zip(ids, specs, strict=True):
            if not isinstance(spec, OrganisationSpec):
                continue
            people = rng.sample(persons, k=min(len(persons), rng.choice((1, 1, 2, 3))))
            org_sites = site_ids_by_org.get(customer_id, [])
            for position, person_id in enumerate(people):
                site_id = rng.choice(org_sites) if len(org_sites) > 1 and position > 0 and rng.random() < 0.5 else None
                role = MEMBERSHIP_ROLES[int(rng.random() * len(MEMBERSHIP_ROLES))]
                batch.memberships.append((person_id, customer_id, site_id, role, position == 0, 1, stamp, stamp))


def seed_customers(options: SeedOptions, *, progress: Callable[[SeedProgress], None] | None = None) -> SeedReport:
    """Write ``options.customers`` customers with their sites, contact points, holdings,
    consents, search keys and timelines. See the module docstring for what is skipped."""
    return BulkSeeder(options, progress=progress).run()
