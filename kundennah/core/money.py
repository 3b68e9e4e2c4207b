"""Money: Decimal amounts with an ISO currency, formatted per locale with babel. No floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency
from django.utils.translation import get_language


def money_format(amount: Decimal | None, currency: str = "EUR") -> str:
    if amount is None:
        return ""
    locale = {"de": "de_DE", "en": "en_GB"}.get((get_language() or "de")[:2], "de_DE")
    return format_currency(amount, currency, locale=locale)


def decimal_parse(raw: str | int | Decimal | None) -> Decimal | None:
    """Parse ``1.234,56`` (German), ``1234.56`` or ``1234,56``; None for blank or invalid."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip().replace(" ", "").replace("€", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".") if text.rfind(",") > text.rfind(".") else text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
