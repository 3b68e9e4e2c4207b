"""The only way onto a customer's timeline. Every channel and every feature calls this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.events import event_record
from kundennah.customers.models import Customer, Site
from kundennah.timeline.models import Interaction

MAX_SUMMARY = 20_000


def interaction_record(
    *,
    customer: Customer,
    channel: str,
    direction: str,
    occurred_at: dt.datetime | None = None,
    subject: str = "",
    summary: str = "",
    site: Site | None = None,
    actor: Any = None,
    source_type: str = "",
    source_id: str | int = "",
    external_key: str | None = None,
) -> Interaction:
    """Put one contact on the customer's timeline.

    ``external_key`` makes the call idempotent: a channel that retries after a crash gets
    the interaction it wrote the first time instead of a second one.
    """
    errors = ErrorCollector()
    if channel not in Interaction.Channel.values:
        errors.add("channel", "invalid_choice", str(_("This channel is unknown.")))
    if direction not in Interaction.Direction.values:
        errors.add("direction", "invalid_choice", str(_("Please choose from, to the customer or internal.")))
    now = timezone.now()
    when = occurred_at or now
    if timezone.is_naive(when):
        errors.add("occurred_at", "naive_datetime", str(_("Please give the time with its time zone.")))
    elif when > now + dt.timedelta(minutes=5):
        errors.add("occurred_at", "in_future", str(_("A contact cannot lie in the future.")))
    subject = " ".join((subject or "").split())
    if len(subject) > 300:
        errors.add("subject", "too_long", str(_("At most %(limit)d characters.") % {"limit": 300}))
    summary = (summary or "").strip()
    if len(summary) > MAX_SUMMARY:
        errors.add("summary", "too_long", str(_("At most %(limit)d characters.") % {"limit": MAX_SUMMARY}))
    if not subject and not summary:
        errors.add("summary", "required", str(_("Please say what the contact was about.")))
    if site is not None and site.organisation_id != customer.pk:
        errors.add("site_id", "foreign_site", str(_("This site belongs to another customer.")))
    errors.raise_if_any()

    if external_key:
        existing = Interaction.objects.filter(external_key=external_key).first()
        if existing is not None:
            return _same_customer(existing, customer)
    try:
        with transaction.atomic():
            interaction = Interaction.objects.create(
                customer=customer, site=site, channel=channel, direction=direction, occurred_at=when,
                subject=subject, summary=summary, actor=actor if getattr(actor, "pk", None) else None,
                source_type=source_type, source_id=str(source_id or ""), external_key=external_key or None,
            )
            event_record(
                name="interaction.recorded", aggregate_type="customer", aggregate_id=customer.pk,
                payload={"interaction_id": interaction.pk, "channel": channel, "direction": direction},
                actor=actor,
            )
    except IntegrityError:
        # A concurrent retry with the same external key won the race; return its row.
        if external_key:
            return _same_customer(Interaction.objects.get(external_key=external_key), customer)
        raise
    return interaction


def _same_customer(existing: Interaction, customer: Customer) -> Interaction:
    # A retry is the same contact for the same customer; the key on another customer's
    # contact is a mistake of the caller, not a reason to answer with that contact.
    if existing.customer_id != customer.pk:
        raise DomainValidationError.single(
            "external_key", "external_key_taken", str(_("This key belongs to another customer's contact."))
        )
    return existing
