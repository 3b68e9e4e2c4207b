"""Holdings: accounts, contracts, devices and subscriptions a customer has with us."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import ErrorCollector
from kundennah.customers.inputs import HoldingInput
from kundennah.customers.models import Customer, Holding, Site
from kundennah.customers.services.auditing import audited_save, customer_changed, version_claim

_CURRENCIES = {"EUR", "CHF", "USD", "GBP", "PLN", "CZK", "DKK", "SEK"}


def holding_validate(*, customer: Customer, data: HoldingInput) -> dict[str, Any]:
    errors = ErrorCollector()
    if data.kind not in Holding.Kind.values:
        errors.add("kind", "invalid_choice", str(_("Please choose account, contract, device or subscription.")))
    if data.status not in Holding.Status.values:
        errors.add("status", "invalid_choice", str(_("This status is unknown.")))
    name = " ".join((data.name or "").split())
    if not name:
        errors.add("name", "required", str(_("Please name the product.")))
    elif len(name) > 200:
        errors.add("name", "too_long", str(_("At most %(limit)d characters.") % {"limit": 200}))
    currency = (data.currency or "EUR").upper()
    if currency not in _CURRENCIES:
        errors.add("currency", "invalid_currency", str(_("This currency is not supported.")))
    if data.balance is not None and abs(data.balance) >= 10**12:
        errors.add("balance", "out_of_range", str(_("This amount is too large.")))
    if data.started_on and data.ends_on and data.ends_on < data.started_on:
        errors.add("ends_on", "before_start", str(_("The end cannot be before the start.")))
    if data.site_id is not None and not Site.objects.filter(pk=data.site_id, organisation=customer).exists():
        errors.add("site_id", "foreign_site", str(_("This site belongs to another customer.")))
    if not isinstance(data.key_figures, dict) or len(data.key_figures) > 20:
        errors.add("key_figures", "invalid", str(_("Key figures are up to 20 labelled values.")))
    errors.raise_if_any()
    return {
        "kind": data.kind, "name": name, "identifier": (data.identifier or "").strip()[:100],
        "status": data.status, "balance": data.balance, "currency": currency,
        "started_on": data.started_on, "ends_on": data.ends_on, "site_id": data.site_id,
        "key_figures": {str(k)[:50]: str(v)[:100] for k, v in data.key_figures.items()},
    }


def holding_add(*, actor: Any, customer: Customer, data: HoldingInput) -> Holding:
    cleaned = holding_validate(customer=customer, data=data)
    with transaction.atomic():
        holding = Holding(customer=customer, **cleaned)
        audited_save(holding, actor=actor)
        customer_changed(
            customer=customer, actor=actor, event="customer.holding_added",
            payload={"holding_id": holding.pk, "kind": holding.kind}, reindex=False,
        )
    return holding


def holding_update(
    *, actor: Any, holding: Holding, data: HoldingInput, expected_version: int | None = None
) -> Holding:
    cleaned = holding_validate(customer=holding.customer, data=data)
    with transaction.atomic():
        version_claim(holding, expected_version)
        for name, value in cleaned.items():
            setattr(holding, name, value)
        audited_save(holding, actor=actor)
        customer_changed(
            customer=holding.customer, actor=actor, event="customer.holding_changed",
            payload={"holding_id": holding.pk}, reindex=False,
        )
    return holding
