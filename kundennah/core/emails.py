"""Email addresses: validated and normalised with email-validator."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from email_validator import EmailNotValidError, validate_email

from kundennah.core.errors import DomainValidationError


def email_normalise(raw: str, *, field: str = "email") -> str:
    """Validated address with the domain in lower case (the local part is kept as typed,
    because RFC 5321 lets the receiving server treat it case-sensitively)."""
    text = (raw or "").strip()
    if not text:
        raise DomainValidationError.single(field, "required", _("Please enter an email address."))
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise DomainValidationError.single(
            field, "invalid_email", _("This is not a valid email address.")
        ) from None
    return str(result.normalized)


def email_match_key(address: str) -> str:
    """The form used to recognise a sender: case-insensitive, plus-addressing folded
    (``Hans+shop@Example.de`` and ``hans@example.de`` are the same person)."""
    local, _sep, domain = address.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    return f"{local}@{domain}"


def header_text(value: str) -> str:
    """Text on one line, safe for a mail header: what customers type must never add a header."""
    return " ".join(value.replace("\r", " ").replace("\n", " ").split())
