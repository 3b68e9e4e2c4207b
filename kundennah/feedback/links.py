"""Survey links: a random key (128 bits) signed with the installation's secret.

The key alone cannot be guessed; the signature means an altered link is refused before the
database is asked. A link belongs to exactly one survey, so it cannot answer for another
contact. Expiry is the survey's own ``expires_at`` (not the signature's age), so one place
decides it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "kundennah.feedback.survey"


def survey_key_new() -> str:
    return secrets.token_urlsafe(16)


def survey_token(key: str) -> str:
    return signing.Signer(salt=SALT).sign(key)


def survey_key_from(token: str) -> str | None:
    """The key inside a token, or None for anything altered or made up."""
    if not token or len(token) > 120:
        return None
    try:
        return signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None


def survey_url(key: str, *, base_url: str = "") -> str:
    base = (base_url or settings.BASE_URL).rstrip("/")
    return base + reverse("feedback_public:answer", args=[survey_token(key)])
