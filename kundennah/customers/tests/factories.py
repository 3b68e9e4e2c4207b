"""Test data through the real services, so tests see what production writes."""

from __future__ import annotations

import re
from typing import Any

from kundennah.customers import services
from kundennah.customers.inputs import (
    AddressInput,
    BankAccountInput,
    CustomerInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import Customer, Site

IBAN_COMMERZBANK = "DE89370400440532013000"
IBAN_SPARKASSE = "DE02120300000000202051"
IBAN_POSTBANK = "DE02100100100006820101"


def person(
    actor: Any = None,
    *,
    first_name: str = "Hans",
    last_name: str = "Müller",
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    **profile: Any,
) -> Customer:
    return services.customer_create(
        actor=actor,
        data=CustomerInput(
            profile=ProfileInput(kind="person", first_name=first_name, last_name=last_name, **profile),
            emails=emails
            if emails is not None
            else [f"{first_name}.{last_name}@example.de".lower().replace("ü", "ue")],
            phones=phones if phones is not None else ["030 1234567"],
            addresses=[AddressInput(street="Invalidenstraße 1", postal_code="10115", city="Berlin")],
        ),
    )


def site_input(
    name: str = "Werk Augsburg",
    *,
    postal_code: str = "86150",
    city: str = "Augsburg",
    iban: str = IBAN_COMMERZBANK,
    **extra: Any,
) -> SiteInput:
    return SiteInput(
        name=name,
        delivery_address=AddressInput(street="Hauptstraße 5", postal_code=postal_code, city=city),
        bank_account=BankAccountInput(
            iban=iban, mandate_reference="MANDAT-" + re.sub(r"[^A-Z0-9]", "", name.upper())[:20]
        )
        if iban
        else None,
        **extra,
    )


def organisation(
    actor: Any = None, *, name: str = "Druckerei Beispiel", sites: list[SiteInput] | None = None, **profile: Any
) -> Customer:
    return services.customer_create(
        actor=actor,
        data=CustomerInput(
            profile=ProfileInput(kind="organisation", name=name, legal_form="GmbH", **profile),
            emails=[f"info@{name.split()[0].lower()}.example"],
            phones=["089 4567890"],
            sites=sites if sites is not None else [site_input()],
        ),
    )


def first_site(customer: Customer) -> Site:
    return Site.objects.filter(organisation=customer).order_by("id").first()  # type: ignore[return-value]
