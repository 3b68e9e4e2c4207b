"""Permission-scoped reads of the customer record.

Everything a view or endpoint shows of a customer comes through here: what the user may not
see is a 404, never a 403 that confirms the customer exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kundennah.core.banking import iban_mask
from kundennah.core.errors import DomainValidationError
from kundennah.core.phones import phone_display
from kundennah.customers.models import (
    BankAccount,
    Consent,
    ContactPoint,
    Customer,
    Holding,
    Membership,
    PersonalNote,
    SearchKey,
    Site,
)
from kundennah.customers.search import customer_ids_matching, customers_by_ids, query_parse
from kundennah.timeline.models import Interaction
from kundennah.timeline.selectors import TimelinePage, timeline_channel_counts, timeline_page


def _require_staff(user: Any) -> None:
    if not user.has_perm("customers.view_customer"):
        raise Http404


def customer_get_for_user(*, user: Any, customer_id: int | str) -> Customer:
    _require_staff(user)
    try:
        return Customer.objects.get(pk=int(customer_id))
    except (Customer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _notes_for(user: Any, customer: Customer) -> QuerySet[PersonalNote]:
    notes = PersonalNote.objects.filter(customer=customer).select_related("author")
    if not user.has_perm("customers.view_sensitive_notes"):
        notes = notes.filter(Q(is_sensitive=False) | Q(author=user))
    return notes


def contact_point_get_for_user(*, user: Any, customer: Customer, contact_point_id: int | str) -> ContactPoint:
    try:
        return ContactPoint.objects.get(pk=int(contact_point_id), customer=customer)
    except (ContactPoint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def site_get_for_user(*, user: Any, customer: Customer, site_id: int | str) -> Site:
    try:
        return Site.objects.select_related("bank_account", "organisation").get(
            pk=int(site_id), organisation=customer
        )
    except (Site.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def holding_get_for_user(*, user: Any, customer: Customer, holding_id: int | str) -> Holding:
    try:
        return Holding.objects.get(pk=int(holding_id), customer=customer)
    except (Holding.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def note_get_for_user(*, user: Any, customer: Customer, note_id: int | str) -> PersonalNote:
    try:
        return _notes_for(user, customer).get(pk=int(note_id))
    except (PersonalNote.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def membership_get_for_user(*, user: Any, customer: Customer, membership_id: int | str) -> Membership:
    try:
        return Membership.objects.select_related("person", "organisation").get(
            Q(person=customer) | Q(organisation=customer), pk=int(membership_id)
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def sites_of(customer: Customer) -> dict[int, Site]:
    """The organisation's sites by id (empty for a person)."""
    return {s.pk: s for s in Site.objects.filter(organisation=customer).order_by("name", "id")}


def customer_by_number_for_user(*, user: Any, number: str, field: str = "other_number") -> Customer:
    """The customer with this number; a field error (not a 404) because the user typed it."""
    _require_staff(user)
    customer = Customer.objects.filter(number=(number or "").strip()).first()
    if customer is None:
        raise DomainValidationError.single(field, "unknown_customer", str(_("No customer has this number.")))
    return customer


def consents_current(consents: list[Consent]) -> list[Consent]:
    """The newest decision per channel and purpose, from rows ordered newest first."""
    seen: dict[tuple[str, str], Consent] = {}
    for consent in consents:
        seen.setdefault((consent.channel, consent.purpose), consent)
    return sorted(seen.values(), key=lambda c: (c.channel, c.purpose))


@dataclass
class Customer360:
    customer: Customer
    contact_points: list[ContactPoint]
    sites: list[Site]
    memberships: list[Membership]
    holdings: list[Holding]
    consents: list[Consent]
    consent_log: list[Consent]
    notes: list[PersonalNote]
    timeline: TimelinePage
    channel_counts: dict[str, int]
    timeline_channel: str | None = None
    open_concerns: list[Any] = field(default_factory=list)
    # The emotional balance from feedback (a ``feedback.balance.Standing``), joined in by the API.
    balance: Any = None

    def primary(self, kind: str) -> ContactPoint | None:
        return next((p for p in self.contact_points if p.kind == kind and p.is_primary), None)

    @property
    def primary_email(self) -> ContactPoint | None:
        return self.primary(ContactPoint.Kind.EMAIL)

    @property
    def primary_phone(self) -> ContactPoint | None:
        return self.primary(ContactPoint.Kind.PHONE)

    @property
    def primary_address(self) -> ContactPoint | None:
        return self.primary(ContactPoint.Kind.POSTAL)

    @property
    def total_balance(self) -> dict[str, Any]:
        totals: dict[str, Any] = {}
        for holding in self.holdings:
            if holding.balance is not None and holding.status != Holding.Status.TERMINATED:
                totals[holding.currency] = totals.get(holding.currency, 0) + holding.balance
        return totals

    @property
    def last_contact(self) -> Interaction | None:
        """The newest contact, known from the first timeline page when it is unfiltered."""
        return self.timeline.items[0] if self.timeline.items and not self.timeline_channel else None

    @property
    def timeline_total(self) -> int:
        return sum(self.channel_counts.values())


def customer_360(
    *, user: Any, customer_id: int | str, channel: str | None = None, timeline_limit: int = 30
) -> Customer360:
    """Everything an agent needs to know about one customer, in a fixed number of queries."""
    customer = customer_get_for_user(user=user, customer_id=customer_id)
    contact_points = list(ContactPoint.objects.filter(customer=customer))
    sites = list(
        Site.objects.filter(organisation=customer)
        .select_related("bank_account")
        .prefetch_related(
            Prefetch("contacts", queryset=Membership.objects.select_related("person").order_by("id"))
        )
        .order_by("-is_active", "name", "id")
    )
    memberships = list(
        Membership.objects.filter(Q(person=customer) | Q(organisation=customer))
        .select_related("person", "organisation", "site")
        .order_by("-is_main_contact", "id")
    )
    holdings = list(Holding.objects.filter(customer=customer).select_related("site"))
    consent_log = list(Consent.objects.filter(customer=customer).select_related("recorded_by"))
    notes = list(_notes_for(user, customer))
    # Open concerns join here once the service desk exists; until then the list stays empty.
    return Customer360(
        customer=customer,
        contact_points=contact_points,
        sites=sites,
        memberships=memberships,
        holdings=holdings,
        consents=consents_current(consent_log),
        consent_log=consent_log,
        notes=notes,
        timeline=timeline_page(customer=customer, channel=channel, limit=timeline_limit),
        channel_counts=timeline_channel_counts(customer=customer),
        timeline_channel=channel,
    )


@dataclass
class SearchHit:
    customer: Customer
    matched_on: str
    detail: str
    # Enough to tell two Hans Müllers apart at a glance.
    email: str = ""
    phone: str = ""
    city: str = ""

    @property
    def label(self) -> str:
        return str(dict(SearchKey.Kind.choices).get(self.matched_on, ""))


def customer_search(*, user: Any, query: str, limit: int = 25, kind: str | None = None) -> list[SearchHit]:
    """Customers matching the one search box: name, number, email, phone, postcode, site, IBAN;
    only people or only organisations with ``kind``."""
    _require_staff(user)
    parsed = query_parse(query)
    ids = customer_ids_matching(parsed, limit=limit, kind=kind)
    if not ids:
        return []
    customers = customers_by_ids(ids)
    lookups = list(parsed.alternatives) + [lk for group in parsed.all_words for lk in group]
    kinds = {lk.kind for lk in lookups}
    keys: dict[int, list[tuple[str, str]]] = {}
    for customer_id, kind, key in SearchKey.objects.filter(customer_id__in=ids, kind__in=kinds).values_list(
        "customer_id", "kind", "key"
    ):
        keys.setdefault(customer_id, []).append((kind, key))
    primaries: dict[int, dict[str, str]] = {}
    for customer_id, kind, value, city in ContactPoint.objects.filter(
        customer_id__in=ids, is_primary=True
    ).values_list("customer_id", "kind", "value", "city"):
        primaries.setdefault(customer_id, {})[kind] = city if kind == ContactPoint.Kind.POSTAL else value
    hits = []
    for customer in customers:
        matched, detail = "", ""
        for kind, key in keys.get(customer.pk, []):
            if any(
                lk.kind == kind and (key == lk.key or (lk.prefix and key.startswith(lk.key))) for lk in lookups
            ):
                matched = kind
                detail = _detail(kind, key)
                if kind != SearchKey.Kind.NAME:
                    break
        known = primaries.get(customer.pk, {})
        hits.append(SearchHit(
            customer=customer, matched_on=matched, detail=detail, email=known.get(ContactPoint.Kind.EMAIL, ""),
            phone=phone_display(known[ContactPoint.Kind.PHONE]) if ContactPoint.Kind.PHONE in known else "",
            city=known.get(ContactPoint.Kind.POSTAL, ""),
        ))
    return hits


def _detail(kind: str, key: str) -> str:
    if kind == SearchKey.Kind.IBAN:
        return iban_mask(key)
    if kind == SearchKey.Kind.PHONE:
        return phone_display(key)
    if kind in (SearchKey.Kind.EMAIL, SearchKey.Kind.POSTCODE):
        return key
    return ""


def customer_list(*, user: Any, kind: str | None = None, limit: int = 50) -> list[Customer]:
    _require_staff(user)
    query = Customer.objects.order_by("-id")
    if kind in Customer.Kind.values:
        query = query.filter(kind=kind)
    return list(query[:limit])


def bank_accounts_for(customer: Customer) -> list[BankAccount]:
    return list(BankAccount.objects.filter(customer=customer).order_by("id"))
