"""Creating and changing customers (the profile, and everything a customer is created with)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError, ErrorCollector, FieldError
from kundennah.core.sequences import sequence_next
from kundennah.customers.inputs import (
    PROFILE_FIELDS,
    ContactPointInput,
    CustomerInput,
    ProfileInput,
)
from kundennah.customers.models import ContactPoint, Customer
from kundennah.customers.services.auditing import audited_save, customer_changed, version_claim
from kundennah.customers.validation import contact_point_validate, profile_validate, site_validate

CUSTOMER_NUMBER_SEQUENCE = "customer_number"
CUSTOMER_NUMBER_START = 100001


def customer_number_format(value: int) -> str:
    return f"K-{value}"


def _duplicate_number_error() -> DomainValidationError:
    return DomainValidationError.single(
        "number", "duplicate_number", str(_("This customer number is already taken."))
    )


def customer_create(*, actor: Any, data: CustomerInput) -> Customer:
    """Create a customer with its emails, phones, addresses and (organisations) sites.

    Everything is checked before anything is written: one bad IBAN in the third site
    rejects the whole customer with the error at ``sites[2].iban``.
    """
    errors = ErrorCollector()
    profile: dict[str, Any] = {}
    with errors.field():
        profile = profile_validate(data.profile)
    contact_inputs = (
        [ContactPointInput(kind=ContactPoint.Kind.EMAIL, value=v) for v in data.emails]
        + [ContactPointInput(kind=ContactPoint.Kind.PHONE, value=v) for v in data.phones]
        + [ContactPointInput(kind=ContactPoint.Kind.POSTAL, address=a) for a in data.addresses]
    )
    paths = (
        [f"emails[{i}]" for i in range(len(data.emails))]
        + [f"phones[{i}]" for i in range(len(data.phones))]
        + [f"addresses[{i}]" for i in range(len(data.addresses))]
    )
    contacts: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for path, item in zip(paths, contact_inputs, strict=True):
        try:
            cleaned = contact_point_validate(item)
        except DomainValidationError as exc:
            # A plain email or phone is the list entry itself: its error sits at "emails[0]";
            # an address entry is the address itself: "addresses[0].postal_code".
            errors.errors.extend(
                FieldError(path, e.code, e.message) if e.field == "value"
                else FieldError(e.field.removeprefix("address."), e.code, e.message).prefixed(path)
                for e in exc.errors
            )
            continue
        if (cleaned["kind"], cleaned["value"].lower()) in seen:
            errors.add(path, "duplicate_contact_point", str(_("This entry appears twice.")))
            continue
        seen.add((cleaned["kind"], cleaned["value"].lower()))
        contacts.append(cleaned)
    sites = []
    if data.sites and data.profile.kind != Customer.Kind.ORGANISATION:
        errors.add("sites", "sites_only_for_organisations", str(_("Only organisations have sites.")))
    else:
        for i, site in enumerate(data.sites):
            with errors.field(f"sites[{i}]"):
                sites.append(site_validate(site))
    if profile.get("number") and Customer.objects.filter(number=profile["number"]).exists():
        errors.errors.extend(_duplicate_number_error().errors)
    errors.raise_if_any()

    try:
        with transaction.atomic():
            customer = _customer_insert(actor=actor, profile=profile, contacts=contacts, sites=sites)
    except IntegrityError:
        # Two creates with the same number at once: the loser gets the same answer as above.
        if profile.get("number") and Customer.objects.filter(number=profile["number"]).exists():
            raise _duplicate_number_error() from None
        raise
    return customer


def _customer_insert(
    *, actor: Any, profile: dict[str, Any], contacts: list[dict[str, Any]], sites: list[dict[str, Any]]
) -> Customer:
    from kundennah.customers.services.sites import site_insert

    if not profile.get("number"):
        profile["number"] = customer_number_format(
            sequence_next(name=CUSTOMER_NUMBER_SEQUENCE, start=CUSTOMER_NUMBER_START)
        )
    customer = Customer(**profile)
    customer.display_name = customer.compose_display_name()
    audited_save(customer, actor=actor)
    primary_taken: set[str] = set()
    for cleaned in contacts:
        point = ContactPoint(customer=customer, is_primary=cleaned["kind"] not in primary_taken, **cleaned)
        primary_taken.add(cleaned["kind"])
        audited_save(point, actor=actor)
    for cleaned in sites:
        site_insert(actor=actor, organisation=customer, cleaned=cleaned)
    customer_changed(customer=customer, actor=actor, event="customer.created", payload={"number": customer.number})
    return customer


def customer_update(
    *, actor: Any, customer: Customer, changes: dict[str, Any], expected_version: int | None = None
) -> Customer:
    """Change profile fields (PATCH semantics: only the named fields change).

    The kind of a customer never changes: a person's memberships and an organisation's
    sites would lose their meaning.
    """
    unknown = set(changes) - set(PROFILE_FIELDS) - {"kind"}
    if unknown:
        raise DomainValidationError.single(
            sorted(unknown)[0], "unknown_field", str(_("This field cannot be changed here."))
        )
    if "kind" in changes and changes["kind"] != customer.kind:
        raise DomainValidationError.single(
            "kind", "immutable", str(_("A person cannot become an organisation or the other way round."))
        )
    values: dict[str, Any] = {f: getattr(customer, f) for f in PROFILE_FIELDS}
    values.update((k, v) for k, v in changes.items() if k != "kind")
    merged = ProfileInput(kind=customer.kind, **values)
    cleaned = profile_validate(merged)
    if cleaned["number"] != customer.number:
        if not cleaned["number"]:
            raise DomainValidationError.single("number", "required", str(_("A customer number cannot be empty.")))
        if Customer.objects.filter(number=cleaned["number"]).exclude(pk=customer.pk).exists():
            raise _duplicate_number_error()
    changed = [f for f in PROFILE_FIELDS if getattr(customer, f) != cleaned[f]]
    if not changed:
        return customer
    before = {f: _plain(getattr(customer, f)) for f in changed}
    try:
        with transaction.atomic():
            version_claim(customer, expected_version)
            for f in changed:
                setattr(customer, f, cleaned[f])
            customer.display_name = customer.compose_display_name()
            audited_save(customer, actor=actor, update_fields=[*changed, "display_name", "version"])
            customer_changed(
                customer=customer, actor=actor, event="customer.updated",
                payload={"changed": changed, "before": before, "after": {f: _plain(cleaned[f]) for f in changed}},
            )
    except IntegrityError:
        customer.refresh_from_db()
        raise _duplicate_number_error() from None
    return customer


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
