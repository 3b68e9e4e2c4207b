"""Bank details: IBAN and BIC validated with schwifty, SEPA mandate references checked."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from kundennah.core.errors import DomainValidationError

# SEPA allows these characters in a mandate reference (EPC rulebook), at most 35 of them.
_MANDATE_REFERENCE = re.compile(r"^[A-Za-z0-9+?/\-:().,' ]{1,35}$")


@dataclass(frozen=True)
class BankDetails:
    iban: str
    bic: str
    bank_name: str


def iban_validate(raw: str, *, field: str = "iban") -> IBAN:
    text = (raw or "").strip()
    if not text:
        raise DomainValidationError.single(field, "required", _("Please enter an IBAN."))
    try:
        return IBAN(text)
    except (SchwiftyException, ValueError):
        raise DomainValidationError.single(
            field, "invalid_iban", _("This IBAN is not valid. Please check it digit by digit.")
        ) from None


def bank_details_validate(*, iban: str, bic: str = "", iban_field: str = "iban",
                          bic_field: str = "bic") -> BankDetails:
    """IBAN compact and upper case; BIC checked, or taken from the bank register when blank."""
    parsed = iban_validate(iban, field=iban_field)
    bic_text = (bic or "").strip().replace(" ", "").upper()
    bank_name = ""
    try:
        register_bic = parsed.bic
    except SchwiftyException:
        register_bic = None
    if bic_text:
        try:
            bic_obj = BIC(bic_text)
        except (SchwiftyException, ValueError):
            raise DomainValidationError.single(
                bic_field, "invalid_bic", _("This BIC is not valid.")
            ) from None
        bic_text = str(bic_obj)
    elif register_bic is not None:
        bic_text = str(register_bic)
    if register_bic is not None:
        bank_name = str(getattr(parsed, "bank_name", "") or "")
    return BankDetails(iban=parsed.compact, bic=bic_text, bank_name=bank_name)


def mandate_reference_validate(raw: str, *, field: str = "mandate_reference") -> str:
    text = (raw or "").strip()
    if text and not _MANDATE_REFERENCE.match(text):
        raise DomainValidationError.single(
            field,
            "invalid_mandate_reference",
            _("A SEPA mandate reference has at most 35 letters, digits and + ? / - : ( ) . , '"),
        )
    return text


def iban_mask(iban: str) -> str:
    """``DE89 **** **** **** **30 00``: enough to recognise an account, not to use it."""
    compact = iban.replace(" ", "")
    if len(compact) < 8:
        return "****"
    masked = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def iban_format(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def iban_looks_like(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    return bool(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", compact))
