"""The acknowledgement a customer gets for a new concern: the promise in one sentence, by mail.

The page after a form and the mail say the same: the reference, by when we answer (or call
back), where to follow the concern, and how to reach a human right now. The mail is sent by a
task started after commit; it is sent once per concern (an outbox event records it) and only
for concerns the customer raised themself, never for a call an agent logged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundennah.core.emails import header_text
from kundennah.core.events import event_record
from kundennah.core.models import Event
from kundennah.customers.models import ContactPoint
from kundennah.service.calendar import language_supported, promise_text
from kundennah.service.models import Concern
from kundennah.service.promise import acknowledgement_text, calendar_of
from kundennah.timeline.models import Interaction

# Channels on which the customer wrote to us themself. Phone, letter and in-person concerns
# are logged by an agent who has already spoken to the customer or will answer on paper.
CUSTOMER_CHANNELS = frozenset({
    Interaction.Channel.WEBFORM, Interaction.Channel.PORTAL, Interaction.Channel.EMAIL,
    Interaction.Channel.CHAT, Interaction.Channel.SOCIAL,
})
SENT_EVENT = "concern.acknowledged"


def callback_text(concern: Concern) -> str:
    """"Wir rufen Sie spätestens am Montag, 30. November, 09:00 Uhr an." in the customer's language."""
    due = concern.first_response_due_at
    if due is None:
        return ""
    return promise_text(due, calendar_of(concern.team), concern.language, callback=True)


def promise_sentence(concern: Concern) -> str:
    """The one sentence that tells the customer when they hear from a human."""
    return callback_text(concern) if concern.is_callback else acknowledgement_text(concern)


def acknowledgement_recipient(concern: Concern) -> str:
    """The address the customer gave, else their primary email on record; "" if none."""
    if concern.contact_email:
        return concern.contact_email
    if concern.customer_id is None:
        return ""
    point = (
        ContactPoint.objects.filter(customer_id=concern.customer_id, kind=ContactPoint.Kind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )
    return point or ""


def acknowledgement_message(concern: Concern, *, base_url: str) -> EmailMultiAlternatives | None:
    """The mail for ``concern`` in its language, or None when there is nobody to write to."""
    recipient = acknowledgement_recipient(concern)
    if not recipient:
        return None
    base = base_url.rstrip("/")
    with translation.override(language_supported(concern.language)):
        context: dict[str, Any] = {
            "concern": concern,
            "promise": promise_sentence(concern),
            "status_url": base + reverse("public:status", args=[concern.access_token]),
            "callback_url": base + reverse("public:callback"),
            "company_name": settings.COMPANY_NAME,
            "service_phone": settings.SERVICE_PHONE,
            "service_hours": settings.SERVICE_HOURS,
            "subject_text": header_text(concern.subject),
        }
        subject = header_text(render_to_string("service/mail/acknowledgement_subject.txt", context))
        text = render_to_string("service/mail/acknowledgement.txt", context)
        html = render_to_string("service/mail/acknowledgement.html", context)
    message = EmailMultiAlternatives(
        subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient],
        headers={"Auto-Submitted": "auto-replied", "X-Kundennah-Reference": concern.reference},
    )
    message.attach_alternative(html, "text/html")
    return message


def acknowledgement_send(*, concern_id: int, base_url: str) -> bool:
    """Send the acknowledgement for one concern, once. True if a mail went out now."""
    concern = Concern.objects.select_related("team", "customer").filter(pk=concern_id).first()
    if concern is None or concern.channel not in CUSTOMER_CHANNELS:
        return False
    if Event.objects.filter(name=SENT_EVENT, aggregate_type="concern", aggregate_id=str(concern.pk)).exists():
        return False
    message = acknowledgement_message(concern, base_url=base_url)
    if message is None:
        return False
    message.send()
    event_record(name=SENT_EVENT, aggregate_type="concern", aggregate_id=concern.pk,
                 payload={"concern_id": concern.pk, "reference": concern.reference})
    return True


def acknowledgement_schedule(concern: Concern, *, base_url: str) -> None:
    """Queue the acknowledgement mail once the concern is committed (channel adapters call this)."""
    if concern.channel not in CUSTOMER_CHANNELS:
        return
    from kundennah.service.tasks import acknowledgement_send_task

    concern_id = concern.pk
    transaction.on_commit(lambda: acknowledgement_send_task(concern_id, base_url))
