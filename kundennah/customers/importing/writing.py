"""Writing checked rows: customers with their contact points, sites and bank accounts, in bulk.

Runs inside the import's one transaction. The rows are the ones the services would write
(``customer_create``, ``site_insert``, ``bank_account_upsert``): the first contact point of a
kind is primary, a site without recipient is delivered to the organisation's name, an account
without holder is held by the customer. Beside them: audit history rows naming the importing
user, search keys from ``customers.search.keys_for_values`` and one ``customer.created`` event
per customer in the outbox, so that nothing downstream can tell an imported customer from one
entered by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from kundennah.core.errors import DomainValidationError
from kundennah.core.models import Event
from kundennah.core.sequences import sequence_next, sequence_raise_to, sequence_reserve
from kundennah.customers.importing.tables import TableWriter, json_text
from kundennah.customers.models import BankAccount, ContactPoint, Customer, SearchKey, Site
from kundennah.customers.search import keys_for_values
from kundennah.customers.services.customers import (
    CUSTOMER_NUMBER_SEQUENCE,
    CUSTOMER_NUMBER_START,
    customer_number_format,
)

BATCH_CUSTOMERS = 2000
_SEQUENCE_NUMBER = re.compile(r"^K-(\d{1,15})$")


@dataclass
class WriteCounts:
    customers: int = 0
    sites: int = 0
    contact_points: int = 0
    bank_accounts: int = 0
    first_customer_id: int | None = None


@dataclass
class _Pending:
    """One customer's rows, as column values keyed by attribute name."""

    customer: dict[str, Any]
    auto_number: bool
    contacts: list[dict[str, Any]] = field(default_factory=list)
    banks: dict[str, dict[str, Any]] = field(default_factory=dict)
    sites: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)


class AutoNumbers:
    """Customer numbers for rows without one: reserved in one go, continued one by one when a
    reserved number turns out to be taken."""

    def __init__(self, *, explicit: Iterable[str], count: int) -> None:
        highest = max(
            (int(m.group(1)) for n in explicit if (m := _SEQUENCE_NUMBER.match(n))), default=0
        )
        # Make sure the counter exists with its start value before raising it.
        sequence_reserve(name=CUSTOMER_NUMBER_SEQUENCE, count=0, start=CUSTOMER_NUMBER_START)
        if highest:
            # Numbers of the file in the counter's format must never be handed out again.
            sequence_raise_to(name=CUSTOMER_NUMBER_SEQUENCE, value=highest)
        self.next = sequence_reserve(
            name=CUSTOMER_NUMBER_SEQUENCE, count=count, start=CUSTOMER_NUMBER_START
        )
        self.end = self.next + count

    def take(self) -> str:
        if self.next < self.end:
            value, self.next = self.next, self.next + 1
        else:
            value = sequence_next(name=CUSTOMER_NUMBER_SEQUENCE, start=CUSTOMER_NUMBER_START)
        return customer_number_format(value)


def number_taken_error(number: str) -> DomainValidationError:
    return DomainValidationError.single(
        "number",
        "duplicate_number",
        _("Customer number %(number)s was given to another customer while the import was running.")
        % {"number": number},
    )


class CustomerWriter:
    """Collects customers (one list of checked rows each) and inserts them batch by batch."""

    def __init__(
        self, *, actor: Any, job_id: int, numbers: AutoNumbers, batch: int = BATCH_CUSTOMERS
    ) -> None:
        self.actor_id = getattr(actor, "pk", None)
        self.job_id = job_id
        self.numbers = numbers
        self.batch = batch
        self.tables = TableWriter()
        now = self.tables.timestamp(timezone.now())
        self.now = now
        self.stamps = {"version": 1, "created_at": now, "updated_at": now}
        self.history = {
            "history_date": now,
            "history_change_reason": f"import {job_id}",
            "history_type": "+",
            "history_user_id": self.actor_id,
        }
        self.pending: list[_Pending] = []
        self.counts = WriteCounts()

    def add(self, records: list[dict[str, Any]]) -> None:
        self.pending.append(_build(records, self.stamps))
        if len(self.pending) >= self.batch:
            self.flush()

    def close(self) -> None:
        """Wait for the last writes; raise their error if one failed. Call after ``flush``."""
        self.tables.close()

    def flush(self) -> None:
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        self._number(pending)
        customers = [p.customer for p in pending]
        self._insert(Customer, customers)
        if self.counts.first_customer_id is None:
            self.counts.first_customer_id = customers[0]["id"]
        banks: list[dict[str, Any]] = []
        for p in pending:
            for account in p.banks.values():
                account["customer_id"] = p.customer["id"]
                account["holder"] = account["holder"] or p.customer["display_name"]
                banks.append(account)
        self._insert(BankAccount, banks)
        sites: list[dict[str, Any]] = []
        contacts: list[dict[str, Any]] = []
        for p in pending:
            for site, iban in p.sites:
                site["organisation_id"] = p.customer["id"]
                site["delivery_recipient"] = (
                    site["delivery_recipient"] or p.customer["display_name"]
                )
                site["bank_account_id"] = p.banks[iban]["id"] if iban else None
                sites.append(site)
            for point in p.contacts:
                point["customer_id"] = p.customer["id"]
                contacts.append(point)
        self._insert(Site, sites)
        self._insert(ContactPoint, contacts)
        keys = self.tables.shape(SearchKey, skip=("id",))
        # In key order: the (kind, key) index takes them page by page instead of at random.
        rows = [keys.row(k) for k in self._search_keys(pending)]
        kind_at, key_at = keys.columns.index("kind"), keys.columns.index("key")
        rows.sort(key=lambda row: (row[kind_at], row[key_at]))
        self.tables.insert(keys, rows)
        events = self.tables.shape(Event, skip=("id",))
        self.tables.insert(
            events,
            [
                events.row(
                    {
                        "name": "customer.created",
                        "aggregate_type": "customer",
                        "aggregate_id": str(p.customer["id"]),
                        "payload": json_text(
                            {
                                "customer_id": p.customer["id"],
                                "number": p.customer["number"],
                                "import_job_id": self.job_id,
                            }
                        ),
                        "actor_id": self.actor_id,
                        "occurred_at": self.now,
                    }
                )
                for p in pending
            ],
        )
        self.counts.customers += len(customers)
        self.counts.bank_accounts += len(banks)
        self.counts.sites += len(sites)
        self.counts.contact_points += len(contacts)

    def _number(self, pending: list[_Pending]) -> None:
        """Give numbers to the customers without one; stop if a number of the file is taken."""
        for p in pending:
            if p.auto_number:
                p.customer["number"] = self.numbers.take()
        while True:
            wanted = {p.customer["number"]: p for p in pending}
            taken = set(
                Customer.objects.filter(number__in=list(wanted)).values_list("number", flat=True)
            )
            if not taken:
                return
            for number in taken:
                if not wanted[number].auto_number:
                    raise number_taken_error(number)
                wanted[number].customer["number"] = self.numbers.take()

    def _insert(self, model: type[Model], objects: list[dict[str, Any]]) -> None:
        """Rows of ``model`` and their audit history ("created by the importing user")."""
        if not objects:
            return
        ids = self.tables.reserve_ids(model, len(objects))
        for values, pk in zip(objects, ids, strict=True):
            values["id"] = pk
        shape = self.tables.shape(model)
        self.tables.insert(shape, [shape.row(values) for values in objects])
        self.tables.copy_to_history(model, ids, self.history)

    @staticmethod
    def _search_keys(pending: list[_Pending]) -> list[dict[str, Any]]:
        keys: list[dict[str, Any]] = []
        for p in pending:
            customer_id = p.customer["id"]
            # The rows brought their name and contact keys; the number's keys are added here.
            number_only = SimpleNamespace(
                first_name="", last_name="", name="", display_name="", number=p.customer["number"]
            )
            pairs = p.keys | keys_for_values(
                customer=cast(Customer, number_only),
                contact_points=(),
                site_names=(),
                site_postcodes=(),
                ibans=(),
            )
            keys.extend(
                {"customer_id": customer_id, "kind": kind, "key": key}
                for kind, key in sorted(pairs)
            )
        return keys


def _build(records: list[dict[str, Any]], stamps: dict[str, Any]) -> _Pending:
    """One customer from its rows: the first row's profile, the rest gathered from all rows."""
    first = records[0]
    # Dates stay ISO text: both databases take them that way, and the rows need no conversion.
    customer = {**first["profile"], **stamps, "display_name": first["display_name"]}
    pending = _Pending(customer=customer, auto_number=not customer["number"])
    pending.keys.update((kind, key) for kind, key in first["name_keys"])
    seen_contacts: set[tuple[str, str]] = set()
    primary: set[str] = set()
    seen_sites: set[str] = set()
    for record in records:
        pending.keys.update((kind, key) for kind, key in record["keys"])
        for cleaned in record["contacts"]:
            identity = (cleaned["kind"], cleaned["value"].lower())
            if identity in seen_contacts:
                continue  # an export repeats the customer's email on each of its site rows
            seen_contacts.add(identity)
            pending.contacts.append(
                {**cleaned, **stamps, "is_primary": cleaned["kind"] not in primary}
            )
            primary.add(cleaned["kind"])
        if record["bank"]:
            _bank(pending, record["bank"], stamps)
        site = record["site"]
        if site:
            fields = dict(site)
            bank = fields.pop("bank")
            key = f"code:{fields['code']}" if fields["code"] else repr(sorted(fields.items()))
            if key in seen_sites:
                continue
            seen_sites.add(key)
            iban = _bank(pending, bank, stamps) if bank else None
            pending.sites.append(({**fields, **stamps}, iban))
    return pending


def _bank(pending: _Pending, bank: dict[str, Any], stamps: dict[str, Any]) -> str:
    iban = str(bank["iban"])
    if iban not in pending.banks:
        pending.banks[iban] = {**bank, **stamps}
    return iban
