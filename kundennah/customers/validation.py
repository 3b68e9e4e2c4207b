"""Checks on customer input, shared by the services and the import's dry run.

Each function returns cleaned values or raises ``DomainValidationError`` carrying every
field error it found (paths relative to the checked object; callers prefix them).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.core.addresses import Address, address_validate
from kundennah.core.banking import BankDetails, bank_details_validate, mandate_reference_validate
from kundennah.core.emails import email_normalise
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.phones import phone_normalise
from kundennah.core.vat import vat_id_normalise
from kundennah.customers.inputs import (
    AddressInput,
    BankAccountInput,
    ContactPointInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import ContactPoint, Customer

_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-_/.]{0,19}$")
_HANDLE = re.compile(r"^@?[\w.\-/:@]{1,200}$")
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _choice(value: str, choices: Any, field: str, errors: ErrorCollector, *, blank_ok: bool = False) -> None:
    allowed = {c for c, _label in choices}
    if value in allowed or (blank_ok and value == ""):
        return
    errors.add(field, "invalid_choice", str(_("“%(value)s” is not one of the allowed values.") % {"value": value}))


def profile_validate(data: ProfileInput) -> dict[str, Any]:
    """Cleaned profile fields ready to set on a ``Customer``."""
    errors = ErrorCollector()
    cleaned: dict[str, Any] = {}
    _choice(data.kind, Customer.Kind.choices, "kind", errors)
    _choice(data.status, Customer.Status.choices, "status", errors)
    _choice(data.salutation or "", Customer.Salutation.choices, "salutation", errors)
    if data.language not in _LANGUAGES:
        errors.add("language", "invalid_choice", str(_("Please choose German or English.")))

    for name in ("title", "first_name", "last_name", "name", "legal_form", "register_entry"):
        cleaned[name] = " ".join((getattr(data, name) or "").split())
    limits = {"title": 50, "first_name": 100, "last_name": 100, "name": 200, "legal_form": 50, "register_entry": 100}
    for name, limit in limits.items():
        if len(cleaned[name]) > limit:
            errors.add(name, "too_long", str(_("At most %(limit)d characters.") % {"limit": limit}))

    if data.kind == Customer.Kind.PERSON and not cleaned["last_name"]:
        errors.add("last_name", "required", str(_("Please enter the last name.")))
    if data.kind == Customer.Kind.ORGANISATION and not cleaned["name"]:
        errors.add("name", "required", str(_("Please enter the company name.")))

    number = (data.number or "").strip()
    if number and not _NUMBER.match(number):
        errors.add(
            "number", "invalid_number",
            str(_("A customer number has up to 20 letters, digits and - _ / . characters.")),
        )
    cleaned["number"] = number

    birth_date = data.birth_date
    if birth_date is not None:
        if not isinstance(birth_date, dt.date):
            errors.add("birth_date", "invalid_date", str(_("Please enter a valid date.")))
        elif birth_date > timezone.localdate() or birth_date.year < 1900:
            errors.add("birth_date", "implausible_date", str(_("This date of birth is not plausible.")))
    cleaned["birth_date"] = birth_date if data.kind == Customer.Kind.PERSON else None

    with errors.field("vat_id"):
        cleaned["vat_id"] = vat_id_normalise(data.vat_id, field="")

    website = (data.website or "").strip()
    if website:
        if "://" not in website:
            website = "https://" + website
        try:
            URLValidator(schemes=["http", "https"])(website)
        except DjangoValidationError:
            errors.add("website", "invalid_url", str(_("This is not a valid web address.")))
        else:
            if len(website) > 200:
                errors.add("website", "too_long", str(_("At most %(limit)d characters.") % {"limit": 200}))
    cleaned["website"] = website

    errors.raise_if_any()
    cleaned.update(
        kind=data.kind, status=data.status, salutation=data.salutation or "", language=data.language
    )
    if data.kind == Customer.Kind.ORGANISATION:
        for name in ("salutation", "title", "first_name", "last_name"):
            cleaned[name] = ""
    else:
        for name in ("name", "legal_form", "vat_id", "register_entry"):
            cleaned[name] = ""
    return cleaned


def address_input_validate(data: AddressInput) -> Address:
    return address_validate(
        street=data.street, postal_code=data.postal_code, city=data.city,
        country=data.country, recipient=data.recipient, extra=data.extra,
    )


def contact_point_validate(data: ContactPointInput) -> dict[str, Any]:
    """Cleaned ``ContactPoint`` fields; ``value`` is the normalised form used for matching."""
    errors = ErrorCollector()
    _choice(data.kind, ContactPoint.Kind.choices, "kind", errors)
    _choice(data.label or "", ContactPoint.Label.choices, "label", errors)
    errors.raise_if_any()
    cleaned: dict[str, Any] = {
        "kind": data.kind, "label": data.label or "", "network": "",
        "street": "", "address_extra": "", "postal_code": "", "city": "", "country": "",
    }
    if data.kind == ContactPoint.Kind.EMAIL:
        cleaned["value"] = email_normalise(data.value, field="value")
    elif data.kind == ContactPoint.Kind.PHONE:
        cleaned["value"] = phone_normalise(data.value, field="value")
        if not data.label:
            from kundennah.core.phones import phone_is_mobile

            cleaned["label"] = ContactPoint.Label.MOBILE if phone_is_mobile(cleaned["value"]) else ""
    elif data.kind == ContactPoint.Kind.POSTAL:
        if data.address is None:
            raise DomainValidationError.single("address", "required", str(_("Please enter the address.")))
        try:
            address = address_input_validate(data.address)
        except DomainValidationError as exc:
            raise exc.prefixed("address") from None
        cleaned.update(
            street=address.street, address_extra=address.extra, postal_code=address.postal_code,
            city=address.city, country=address.country, value=address.one_line()[:320],
        )
    else:
        if not data.network:
            # "" is among the choices (for the other kinds) but a handle needs its network.
            errors.add("network", "required", str(_("Please choose the network.")))
        else:
            _choice(data.network, ContactPoint.Network.choices, "network", errors)
        handle = (data.value or "").strip()
        if not handle:
            errors.add("value", "required", str(_("Please enter the handle or profile address.")))
        elif not _HANDLE.match(handle):
            errors.add("value", "invalid_handle", str(_("This handle contains characters that are not allowed.")))
        errors.raise_if_any()
        cleaned.update(network=data.network, value=f"{data.network}:{handle}")
    return cleaned


def bank_account_validate(data: BankAccountInput) -> tuple[BankDetails, dict[str, Any]]:
    errors = ErrorCollector()
    details = None
    with errors.field():
        details = bank_details_validate(iban=data.iban, bic=data.bic)
    with errors.field():
        mandate = mandate_reference_validate(data.mandate_reference)
    if data.mandate_signed_on and data.mandate_signed_on > timezone.localdate():
        errors.add("mandate_signed_on", "implausible_date", str(_("A mandate cannot be signed in the future.")))
    if data.mandate_signed_on and not data.mandate_reference.strip():
        errors.add("mandate_reference", "required", str(_("A signed mandate needs its reference.")))
    holder = " ".join((data.holder or "").split())
    if len(holder) > 200:
        errors.add("holder", "too_long", str(_("At most %(limit)d characters.") % {"limit": 200}))
    errors.raise_if_any()
    assert details is not None
    return details, {
        "holder": holder, "mandate_reference": mandate, "mandate_signed_on": data.mandate_signed_on,
    }


def site_validate(data: SiteInput) -> dict[str, Any]:
    """Cleaned site fields plus ``bank`` (details and extras, or None)."""
    errors = ErrorCollector()
    name = " ".join((data.name or "").split())
    if not name:
        errors.add("name", "required", str(_("Please name the site.")))
    elif len(name) > 200:
        errors.add("name", "too_long", str(_("At most %(limit)d characters.") % {"limit": 200}))
    code = (data.code or "").strip()
    if len(code) > 50:
        errors.add("code", "too_long", str(_("At most %(limit)d characters.") % {"limit": 50}))
    delivery = invoice = None
    with errors.field("delivery_address"):
        delivery = address_input_validate(data.delivery_address)
    if data.invoice_address is not None and not data.invoice_address.is_blank():
        with errors.field("invoice_address"):
            invoice = address_input_validate(data.invoice_address)
    invoice_email = ""
    if (data.invoice_email or "").strip():
        with errors.field("invoice_email"):
            invoice_email = email_normalise(data.invoice_email, field="")
    bank = None
    if data.bank_account is not None and (data.bank_account.iban or "").strip():
        with errors.field():
            bank = bank_account_validate(data.bank_account)
    errors.raise_if_any()
    assert delivery is not None
    cleaned: dict[str, Any] = {
        "name": name, "code": code, "invoice_email": invoice_email, "is_active": data.is_active,
        "delivery_recipient": delivery.recipient, "delivery_extra": delivery.extra,
        "delivery_street": delivery.street, "delivery_postal_code": delivery.postal_code,
        "delivery_city": delivery.city, "delivery_country": delivery.country,
        "invoice_recipient": "", "invoice_extra": "", "invoice_street": "",
        "invoice_postal_code": "", "invoice_city": "", "invoice_country": "",
    }
    if invoice is not None:
        cleaned.update(
            invoice_recipient=invoice.recipient, invoice_extra=invoice.extra, invoice_street=invoice.street,
            invoice_postal_code=invoice.postal_code, invoice_city=invoice.city, invoice_country=invoice.country,
        )
    cleaned["bank"] = bank
    return cleaned
