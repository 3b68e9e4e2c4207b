"""VAT identification numbers (USt-IdNr) checked with python-stdnum."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumValidationError

from kundennah.core.errors import DomainValidationError


def vat_id_normalise(raw: str, *, field: str = "vat_id") -> str:
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        return str(vat.validate(text))
    except StdnumValidationError:
        raise DomainValidationError.single(
            field, "invalid_vat_id", _("This VAT ID is not valid (for example DE123456789).")
        ) from None
