"""Sites of an organisation and the bank accounts they pay from."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kundennah.core.banking import BankDetails
from kundennah.core.errors import DomainValidationError
from kundennah.customers.inputs import BankAccountInput, SiteInput
from kundennah.customers.models import BankAccount, Customer, Site
from kundennah.customers.services.auditing import audited_save, customer_changed, version_claim
from kundennah.customers.validation import bank_account_validate, site_validate


def _require_organisation(customer: Customer) -> None:
    if not customer.is_organisation:
        raise DomainValidationError.single(
            "organisation", "sites_only_for_organisations", str(_("Only organisations have sites."))
        )


def _code_taken(organisation: Customer, code: str, exclude_id: int | None = None) -> bool:
    sites = Site.objects.filter(organisation=organisation, code=code)
    if exclude_id is not None:
        sites = sites.exclude(pk=exclude_id)
    return bool(code) and sites.exists()


def _code_taken_error() -> DomainValidationError:
    return DomainValidationError.single("code", "duplicate_site_code", str(_("Another site already has this code.")))


def bank_account_upsert(
    *, actor: Any, customer: Customer, details: BankDetails, extras: dict[str, Any]
) -> BankAccount:
    """The customer's account with this IBAN, created or brought up to date."""
    account = BankAccount.objects.filter(customer=customer, iban=details.iban).first()
    # A display name (company name and legal form) can be longer than a holder or recipient field.
    holder = extras.get("holder") or customer.display_name[:200]
    if account is None:
        account = BankAccount(
            customer=customer, iban=details.iban, bic=details.bic, bank_name=details.bank_name,
            holder=holder, mandate_reference=extras.get("mandate_reference", ""),
            mandate_signed_on=extras.get("mandate_signed_on"),
        )
        audited_save(account, actor=actor)
        return account
    changed = []
    for name, value in (
        ("bic", details.bic), ("bank_name", details.bank_name), ("holder", holder),
        ("mandate_reference", extras.get("mandate_reference", "")),
        ("mandate_signed_on", extras.get("mandate_signed_on")),
    ):
        if getattr(account, name) != value:
            setattr(account, name, value)
            changed.append(name)
    if changed:
        version_claim(account, None)
        audited_save(account, actor=actor, update_fields=[*changed, "version"])
    return account


def site_insert(*, actor: Any, organisation: Customer, cleaned: dict[str, Any]) -> Site:
    """Write an already validated site (used by creation of a whole customer and by site_add)."""
    fields = dict(cleaned)
    bank = fields.pop("bank")
    if _code_taken(organisation, fields["code"]):
        raise _code_taken_error()
    site = Site(organisation=organisation, **fields)
    if not site.delivery_recipient:
        site.delivery_recipient = organisation.display_name[:200]
    if bank is not None:
        details, extras = bank
        site.bank_account = bank_account_upsert(actor=actor, customer=organisation, details=details, extras=extras)
    audited_save(site, actor=actor)
    return site


def site_add(*, actor: Any, organisation: Customer, data: SiteInput) -> Site:
    _require_organisation(organisation)
    cleaned = site_validate(data)
    with transaction.atomic():
        site = site_insert(actor=actor, organisation=organisation, cleaned=cleaned)
        customer_changed(
            customer=organisation, actor=actor, event="customer.site_added", payload={"site_id": site.pk}
        )
    return site


def site_update(*, actor: Any, site: Site, data: SiteInput, expected_version: int | None = None) -> Site:
    """Replace the site's details. A blank IBAN keeps the current bank account."""
    cleaned = site_validate(data)
    bank = cleaned.pop("bank")
    organisation = site.organisation
    if _code_taken(organisation, cleaned["code"], exclude_id=site.pk):
        raise _code_taken_error()
    if not cleaned["delivery_recipient"]:
        cleaned["delivery_recipient"] = organisation.display_name[:200]
    with transaction.atomic():
        version_claim(site, expected_version)
        before = {name: getattr(site, name) for name in cleaned}
        for name, value in cleaned.items():
            setattr(site, name, value)
        if bank is not None:
            details, extras = bank
            site.bank_account = bank_account_upsert(
                actor=actor, customer=organisation, details=details, extras=extras
            )
        audited_save(site, actor=actor)
        customer_changed(
            customer=organisation, actor=actor, event="customer.site_changed",
            payload={"site_id": site.pk, "changed": [n for n, v in before.items() if cleaned[n] != v]},
        )
    return site


def site_bank_account_set(
    *, actor: Any, site: Site, data: BankAccountInput, expected_version: int | None = None
) -> Site:
    details, extras = bank_account_validate(data)
    with transaction.atomic():
        version_claim(site, expected_version)
        site.bank_account = bank_account_upsert(
            actor=actor, customer=site.organisation, details=details, extras=extras
        )
        audited_save(site, actor=actor, update_fields=["bank_account", "version"])
        customer_changed(
            customer=site.organisation, actor=actor, event="customer.site_changed",
            payload={"site_id": site.pk, "changed": ["bank_account"]},
        )
    return site
