"""People at organisations: who works where, in which role, at which site."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError
from kundennah.customers.models import Customer, Membership, Site
from kundennah.customers.services.auditing import audited_delete, audited_save, customer_changed


def membership_add(
    *, actor: Any, person: Customer, organisation: Customer, role: str = "",
    site: Site | None = None, is_main_contact: bool = False,
) -> Membership:
    if not person.is_person:
        raise DomainValidationError.single("person", "not_a_person", str(_("Only a person can be a contact.")))
    if not organisation.is_organisation:
        raise DomainValidationError.single(
            "organisation", "not_an_organisation", str(_("Contacts belong to an organisation."))
        )
    if site is not None and site.organisation_id != organisation.pk:
        raise DomainValidationError.single("site", "foreign_site", str(_("This site belongs to another organisation.")))
    role = " ".join((role or "").split())
    if len(role) > 100:
        raise DomainValidationError.single("role", "too_long", str(_("At most %(limit)d characters.") % {"limit": 100}))
    try:
        with transaction.atomic():
            membership = Membership(
                person=person, organisation=organisation, site=site, role=role, is_main_contact=is_main_contact
            )
            audited_save(membership, actor=actor)
            for customer in (person, organisation):
                customer_changed(
                    customer=customer, actor=actor, event="customer.membership_added",
                    payload={"membership_id": membership.pk}, reindex=False,
                )
    except IntegrityError:
        raise DomainValidationError.single(
            "person", "duplicate_membership", str(_("This person is already a contact here."))
        ) from None
    return membership


def membership_remove(*, actor: Any, membership: Membership) -> None:
    with transaction.atomic():
        person, organisation, pk = membership.person, membership.organisation, membership.pk
        audited_delete(membership, actor=actor)
        for customer in (person, organisation):
            customer_changed(
                customer=customer, actor=actor, event="customer.membership_removed",
                payload={"membership_id": pk}, reindex=False,
            )
