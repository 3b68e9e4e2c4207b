"""Phone numbers: parsed and normalised to E.164 with phonenumbers (never by hand)."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError


def phone_normalise(raw: str, *, region: str | None = None, field: str = "phone") -> str:
    """Return the number in E.164 (``+49301234567``) or raise a field error.

    National formats (``030 1234567``), international ones (``+49 30 …``) and the
    ``0049…`` dialling prefix all become the same E.164 string.
    """
    text = (raw or "").strip()
    if not text:
        raise DomainValidationError.single(field, "required", _("Please enter a phone number."))
    try:
        number = phonenumbers.parse(text, region or settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise DomainValidationError.single(
            field, "invalid_phone", _("This is not a valid phone number.")
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise DomainValidationError.single(
            field, "invalid_phone", _("This is not a valid phone number.")
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_try_normalise(raw: str, *, region: str | None = None) -> str | None:
    """E.164 for anything that parses as a possible number, else None (for search input)."""
    try:
        number = phonenumbers.parse(raw, region or settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(e164: str) -> str:
    """International format with spaces for people to read (``+49 30 1234567``)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_is_mobile(e164: str) -> bool:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
