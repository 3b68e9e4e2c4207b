"""The shapes the customer services accept, shared by forms, the API, import and seeding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass
class AddressInput:
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "DE"
    recipient: str = ""
    extra: str = ""

    def is_blank(self) -> bool:
        return not (self.street.strip() or self.postal_code.strip() or self.city.strip())


@dataclass
class ProfileInput:
    """Name and master data of a customer. Which fields apply depends on ``kind``."""

    kind: str
    number: str = ""
    status: str = "active"
    salutation: str = ""
    title: str = ""
    first_name: str = ""
    last_name: str = ""
    birth_date: dt.date | None = None
    name: str = ""
    legal_form: str = ""
    vat_id: str = ""
    register_entry: str = ""
    language: str = "de"
    website: str = ""


PROFILE_FIELDS = (
    "number", "status", "salutation", "title", "first_name", "last_name", "birth_date",
    "name", "legal_form", "vat_id", "register_entry", "language", "website",
)


@dataclass
class ContactPointInput:
    kind: str
    value: str = ""
    label: str = ""
    is_primary: bool = False
    network: str = ""
    address: AddressInput | None = None


@dataclass
class BankAccountInput:
    iban: str
    bic: str = ""
    holder: str = ""
    mandate_reference: str = ""
    mandate_signed_on: dt.date | None = None


@dataclass
class SiteInput:
    name: str
    delivery_address: AddressInput
    code: str = ""
    invoice_address: AddressInput | None = None
    invoice_email: str = ""
    bank_account: BankAccountInput | None = None
    is_active: bool = True


@dataclass
class HoldingInput:
    kind: str
    name: str
    identifier: str = ""
    status: str = "active"
    balance: Decimal | None = None
    currency: str = "EUR"
    started_on: dt.date | None = None
    ends_on: dt.date | None = None
    site_id: int | None = None
    key_figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class CustomerInput:
    """Everything a customer can be created with in one go."""

    profile: ProfileInput
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    addresses: list[AddressInput] = field(default_factory=list)
    sites: list[SiteInput] = field(default_factory=list)
