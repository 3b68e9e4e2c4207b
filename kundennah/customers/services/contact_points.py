"""Contact points: several per customer, at most one primary per kind."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError
from kundennah.customers.inputs import ContactPointInput
from kundennah.customers.models import ContactPoint, Customer
from kundennah.customers.services.auditing import (
    audited_delete,
    audited_save,
    customer_changed,
    version_claim,
)
from kundennah.customers.validation import contact_point_validate


def _duplicate() -> DomainValidationError:
    return DomainValidationError.single(
        "value", "duplicate_contact_point", str(_("This customer already has this entry."))
    )


def _demote_primary(*, customer: Customer, kind: str, actor: Any, keep_id: int | None = None) -> None:
    others = ContactPoint.objects.filter(customer=customer, kind=kind, is_primary=True)
    if keep_id is not None:
        others = others.exclude(pk=keep_id)
    for other in others:
        other.is_primary = False
        audited_save(other, actor=actor, update_fields=["is_primary"])


def contact_point_add(*, actor: Any, customer: Customer, data: ContactPointInput) -> ContactPoint:
    """Add an email, phone, address or social handle. The first of its kind becomes primary."""
    cleaned = contact_point_validate(data)
    if ContactPoint.objects.filter(customer=customer, kind=cleaned["kind"], value=cleaned["value"]).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            has_primary = ContactPoint.objects.filter(
                customer=customer, kind=cleaned["kind"], is_primary=True
            ).exists()
            make_primary = data.is_primary or not has_primary
            if make_primary:
                _demote_primary(customer=customer, kind=cleaned["kind"], actor=actor)
            point = ContactPoint(customer=customer, is_primary=make_primary, **cleaned)
            audited_save(point, actor=actor)
            customer_changed(
                customer=customer, actor=actor, event="customer.contact_point_added",
                payload={"contact_point_id": point.pk, "kind": point.kind},
            )
    except IntegrityError:
        raise _duplicate() from None
    return point


def contact_point_update(
    *, actor: Any, contact_point: ContactPoint, data: ContactPointInput, expected_version: int | None = None
) -> ContactPoint:
    if data.kind != contact_point.kind:
        raise DomainValidationError.single(
            "kind", "immutable", str(_("Add a new entry instead of changing its kind."))
        )
    cleaned = contact_point_validate(data)
    customer = contact_point.customer
    if (
        ContactPoint.objects.filter(customer=customer, kind=cleaned["kind"], value=cleaned["value"])
        .exclude(pk=contact_point.pk)
        .exists()
    ):
        raise _duplicate()
    try:
        with transaction.atomic():
            version_claim(contact_point, expected_version)
            if data.is_primary and not contact_point.is_primary:
                _demote_primary(customer=customer, kind=contact_point.kind, actor=actor, keep_id=contact_point.pk)
                contact_point.is_primary = True
            value_changed = cleaned["value"] != contact_point.value
            for name, value in cleaned.items():
                setattr(contact_point, name, value)
            if value_changed:
                # A new address has not been confirmed yet, and may work where the old one failed.
                contact_point.is_verified = False
                contact_point.status = ContactPoint.Status.ACTIVE
            audited_save(contact_point, actor=actor)
            customer_changed(
                customer=customer, actor=actor, event="customer.contact_point_changed",
                payload={"contact_point_id": contact_point.pk, "kind": contact_point.kind},
            )
    except IntegrityError:
        raise _duplicate() from None
    return contact_point


def contact_point_make_primary(*, actor: Any, contact_point: ContactPoint) -> ContactPoint:
    if contact_point.is_primary:
        return contact_point
    with transaction.atomic():
        _demote_primary(customer=contact_point.customer, kind=contact_point.kind, actor=actor)
        version_claim(contact_point, None)
        contact_point.is_primary = True
        audited_save(contact_point, actor=actor, update_fields=["is_primary", "version"])
        customer_changed(
            customer=contact_point.customer, actor=actor, event="customer.contact_point_changed",
            payload={"contact_point_id": contact_point.pk, "kind": contact_point.kind}, reindex=False,
        )
    return contact_point


def contact_point_remove(*, actor: Any, contact_point: ContactPoint) -> None:
    """Remove the entry; if it was primary, the oldest remaining one of its kind takes over."""
    customer = contact_point.customer
    with transaction.atomic():
        was_primary = contact_point.is_primary
        kind, point_id = contact_point.kind, contact_point.pk
        audited_delete(contact_point, actor=actor)
        if was_primary:
            successor = ContactPoint.objects.filter(customer=customer, kind=kind).order_by("id").first()
            if successor is not None:
                successor.is_primary = True
                audited_save(successor, actor=actor, update_fields=["is_primary"])
        customer_changed(
            customer=customer, actor=actor, event="customer.contact_point_removed",
            payload={"contact_point_id": point_id, "kind": kind},
        )


def contact_point_mark_failing(*, contact_point: ContactPoint, reason: str) -> None:
    """A bounce or an unreachable number: keep the entry but warn everyone who uses it."""
    with transaction.atomic():
        contact_point.status = ContactPoint.Status.FAILING
        audited_save(contact_point, actor=None, update_fields=["status"])
        customer_changed(
            customer=contact_point.customer, actor=None, event="customer.contact_point_failing",
            payload={"contact_point_id": contact_point.pk, "reason": reason[:300]}, reindex=False,
        )


def contact_points_mark_failing(*, addresses: list[str], reason: str = "") -> list[ContactPoint]:
    """Mark the email contact points with these addresses as failing (mail to them bounced).

    Compared case-insensitively; each change is audited and on the customer's record as
    ``customer.contact_point_failing``. Points already failing are left as they are.
    """
    wanted = {address.strip().lower() for address in addresses if address and "@" in address}
    if not wanted:
        return []
    changed = []
    with transaction.atomic():
        # A bounce names a handful of addresses; iexact also finds "Erika@…" stored as typed.
        same_address = Q()
        for address in sorted(wanted)[:20]:
            same_address |= Q(value__iexact=address)
        points = ContactPoint.objects.filter(
            same_address, kind=ContactPoint.Kind.EMAIL, status=ContactPoint.Status.ACTIVE,
        ).select_related("customer")
        for point in points:
            if point.value.lower() not in wanted:
                continue
            point.status = ContactPoint.Status.FAILING
            point.version += 1
            audited_save(point, actor=None, update_fields=["status", "version"])
            customer_changed(
                customer=point.customer, actor=None, event="customer.contact_point_failing",
                payload={"contact_point_id": point.pk, "reason": reason[:200]}, reindex=False,
            )
            changed.append(point)
    return changed

