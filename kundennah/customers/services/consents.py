"""Consents: every decision recorded with when and where it was given or withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import ErrorCollector
from kundennah.customers.models import Consent, Customer
from kundennah.customers.services.auditing import customer_changed


def consent_record(
    *, actor: Any, customer: Customer, channel: str, purpose: str, granted: bool, source: str,
    source_detail: str = "", recorded_at: dt.datetime | None = None,
) -> Consent:
    """Record a decision. Earlier decisions stay as proof; the newest one counts."""
    errors = ErrorCollector()
    if channel not in Consent.Channel.values:
        errors.add("channel", "invalid_choice", str(_("This channel is unknown.")))
    if purpose not in Consent.Purpose.values:
        errors.add("purpose", "invalid_choice", str(_("This purpose is unknown.")))
    if source not in Consent.Source.values:
        errors.add("source", "invalid_choice", str(_("This source is unknown.")))
    now = timezone.now()
    when = recorded_at or now
    if timezone.is_naive(when):
        errors.add("recorded_at", "naive_datetime", str(_("Please give the time with its time zone.")))
    elif when > now + dt.timedelta(minutes=5):
        errors.add("recorded_at", "in_future", str(_("A consent cannot be recorded for the future.")))
    errors.raise_if_any()
    with transaction.atomic():
        consent = Consent.objects.create(
            customer=customer, channel=channel, purpose=purpose, granted=granted, recorded_at=when,
            source=source, source_detail=(source_detail or "").strip()[:300],
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        customer_changed(
            customer=customer, actor=actor,
            event="customer.consent_given" if granted else "customer.consent_withdrawn",
            payload={"channel": channel, "purpose": purpose, "source": source}, reindex=False,
        )
    return consent
