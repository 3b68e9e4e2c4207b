"""The mail outbox: replies and acknowledgements queued with the change that causes them, sent
by a job with retries, and every failure visible on the concern.

A reply is queued inside the reply's own transaction (``reply_queue`` is registered with the
service desk as a reply delivery), so a reply without its mail or a mail without its reply
cannot happen. Sending claims a row with a conditional UPDATE (a lease), so two workers never
send the same mail, and a worker that dies mid-send leaves the row to be sent again when the
lease runs out.
"""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundennah.channels.email.models import InboundMail, Mailbox, OutboundMail
from kundennah.channels.email.sending import SendError, SmtpSettings, message_id_new, reply_message, smtp_send
from kundennah.core.emails import header_text
from kundennah.core.events import event_record
from kundennah.service.acknowledgement import acknowledgement_message, acknowledgement_recipient
from kundennah.service.calendar import language_supported
from kundennah.service.models import Concern, Message

logger = logging.getLogger(__name__)

# Minutes to wait before attempt n+1; after the last, the mail counts as failed.
RETRY_AFTER_MINUTES = [1, 5, 15, 60, 180, 360]
LEASE = dt.timedelta(minutes=10)
BATCH = 50


def _domain(mailbox: Mailbox | None) -> str:
    address = mailbox.from_address if mailbox else settings.DEFAULT_FROM_EMAIL
    return address.rpartition("@")[2] or "kundennah.invalid"


def mailbox_for(concern: Concern) -> Mailbox | None:
    """The mailbox a concern is answered from: where its first mail came in, else its team's."""
    first = (
        InboundMail.objects.filter(concern=concern, mailbox__active=True).order_by("id")
        .select_related("mailbox").first()
    )
    if first is not None:
        return first.mailbox
    if concern.team_id is not None:
        team_box = Mailbox.objects.filter(team_id=concern.team_id, active=True).order_by("id").first()
        if team_box is not None:
            return team_box
    return Mailbox.objects.filter(active=True).order_by("id").first()


def _thread_ids(concern: Concern) -> list[str]:
    """Message-IDs of the conversation so far, oldest first (for References)."""
    inbound = InboundMail.objects.filter(concern=concern).exclude(header_id="").values_list("received_at", "header_id")
    outbound = OutboundMail.objects.filter(concern=concern).values_list("created_at", "header_id")
    return [header_id for _at, header_id in sorted([*inbound, *outbound])][-20:]


def _last_inbound_id(concern: Concern) -> str:
    return (
        InboundMail.objects.filter(concern=concern).exclude(header_id="").order_by("-received_at", "-id")
        .values_list("header_id", flat=True).first() or ""
    )


def _reply_subject(concern: Concern) -> str:
    with translation.override(language_supported(concern.language)):
        prefix = _("Re:")
    return header_text(f"{prefix} {concern.subject} [{concern.reference}]")[:300]


def reply_queue(concern: Concern, message: Message) -> OutboundMail | None:
    """Queue the agent's reply as a mail to the customer (a reply delivery of the service desk)."""
    recipient = acknowledgement_recipient(concern)
    if not recipient:
        return None
    mailbox = mailbox_for(concern)
    context: dict[str, Any] = {
        "concern": concern, "message": message, "company_name": settings.COMPANY_NAME,
        "service_phone": settings.SERVICE_PHONE, "service_hours": settings.SERVICE_HOURS,
        "agent_name": message.sender_name,
    }
    with translation.override(language_supported(concern.language)):
        text = render_to_string("mail/reply.txt", context)
        html = render_to_string("mail/reply.html", context)
    outbound = OutboundMail.objects.create(
        concern=concern, message=message, mailbox=mailbox, kind=OutboundMail.Kind.REPLY, to_address=recipient,
        subject=_reply_subject(concern), text=text, html=html, header_id=message_id_new(_domain(mailbox)),
        in_reply_to=_last_inbound_id(concern), references=" ".join(_thread_ids(concern)),
    )
    transaction.on_commit(_send_soon)
    return outbound


def acknowledgement_queue(concern: Concern, *, mailbox: Mailbox, in_reply_to: str, references: list[str],
                          base_url: str = "") -> OutboundMail | None:
    """Queue the acknowledgement with the promise for a concern that came in by mail."""
    built = acknowledgement_message(concern, base_url=base_url or settings.BASE_URL)
    if built is None:
        return None
    html = next((content for content, mimetype in built.alternatives if mimetype == "text/html"), "")
    outbound = OutboundMail.objects.create(
        concern=concern, mailbox=mailbox, kind=OutboundMail.Kind.ACKNOWLEDGEMENT, to_address=built.to[0],
        subject=str(built.subject), text=str(built.body), html=str(html), header_id=message_id_new(_domain(mailbox)),
        in_reply_to=in_reply_to, references=" ".join([*references, in_reply_to][-20:]).strip(),
    )
    event_record(name="concern.acknowledged", aggregate_type="concern", aggregate_id=concern.pk,
                 payload={"concern_id": concern.pk, "reference": concern.reference, "by": "mail"})
    transaction.on_commit(_send_soon)
    return outbound


def _send_soon() -> None:
    from kundennah.channels.email.tasks import outbox_send_task

    outbox_send_task()


# --- Sending ----------------------------------------------------------------------------------


def _headers_of(outbound: OutboundMail) -> dict[str, str]:
    headers = {"X-Kundennah-Reference": outbound.concern.reference}
    if outbound.kind == OutboundMail.Kind.ACKNOWLEDGEMENT:
        # RFC 3834: an automatic answer; well-behaved robots do not answer it in turn.
        headers["Auto-Submitted"] = "auto-replied"
    return headers


def _attachments(outbound: OutboundMail) -> list[tuple[str, str, bytes]]:
    if outbound.message_id is None:
        return []
    files = []
    for attachment in outbound.message.attachments.all():  # type: ignore[union-attr]
        with attachment.file.open("rb") as handle:
            files.append((attachment.filename, attachment.content_type, handle.read()))
    return files


def _build(outbound: OutboundMail) -> EmailMessage:
    from kundennah.channels.email.intake import reply_address

    mailbox = outbound.mailbox
    from_address = mailbox.from_address if mailbox else settings.DEFAULT_FROM_EMAIL
    return reply_message(
        from_address=from_address, from_name=(mailbox.from_name if mailbox else settings.COMPANY_NAME),
        to=outbound.to_address, subject=outbound.subject, text=outbound.text, html=outbound.html or None,
        message_id=outbound.header_id, in_reply_to=outbound.in_reply_to or None,
        references=outbound.references.split(), reply_to=reply_address(from_address, outbound.concern_id),
        extra_headers=_headers_of(outbound), attachments=_attachments(outbound),
    )


def _send(outbound: OutboundMail) -> None:
    mailbox = outbound.mailbox
    message = _build(outbound)
    if mailbox is not None:
        smtp_send(SmtpSettings(host=mailbox.smtp_host, port=mailbox.smtp_port, security=mailbox.smtp_security,
                               username=mailbox.smtp_user, password=mailbox.smtp_password), message)
        return
    # No mailbox configured: Django's mail settings (EMAIL_URL) send it, headers as built.
    django_message = EmailMultiAlternatives(
        subject=str(message["Subject"]), body=outbound.text, from_email=str(message["From"]),
        to=[outbound.to_address], reply_to=[str(message["Reply-To"])],
        headers={name: str(message[name]) for name in ("Message-ID", "In-Reply-To", "References", "Date",
                                                          *_headers_of(outbound)) if message[name]},
    )
    if outbound.html:
        django_message.attach_alternative(outbound.html, "text/html")
    for filename, content_type, content in _attachments(outbound):
        django_message.attach(filename, content, content_type)
    try:
        django_message.send()
    except OSError as exc:
        raise SendError(str(exc), temporary=True) from exc


def _claim(outbound_id: int, seen_due: dt.datetime, now: dt.datetime) -> bool:
    return bool(OutboundMail.objects.filter(
        pk=outbound_id, status=OutboundMail.Status.QUEUED, next_attempt_at=seen_due,
    ).update(next_attempt_at=now + LEASE))


def outbound_send(outbound: OutboundMail, *, now: dt.datetime | None = None) -> str:
    """Try to send one claimed mail now; returns its status afterwards."""
    now = now or timezone.now()
    try:
        _send(outbound)
    except (SendError, ValueError) as exc:
        temporary = isinstance(exc, SendError) and exc.temporary
        outbound.attempts += 1
        outbound.last_error = str(getattr(exc, "detail", "") or exc)[:2000]
        if temporary and outbound.attempts <= len(RETRY_AFTER_MINUTES):
            outbound.next_attempt_at = now + dt.timedelta(minutes=RETRY_AFTER_MINUTES[outbound.attempts - 1])
        else:
            outbound.status = OutboundMail.Status.FAILED
            event_record(name="mail.send_failed", aggregate_type="concern", aggregate_id=outbound.concern_id,
                         payload={"concern_id": outbound.concern_id, "outbound_mail_id": outbound.pk,
                                  "error": outbound.last_error[:300]})
        outbound.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
        logger.warning("mail %s to %s not sent: %s", outbound.pk, outbound.to_address, outbound.last_error)
        return outbound.status
    outbound.attempts += 1
    outbound.status = OutboundMail.Status.SENT
    outbound.sent_at = timezone.now()
    outbound.last_error = ""
    outbound.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return outbound.status


def outbox_send_due(*, now: dt.datetime | None = None, limit: int = BATCH) -> dict[str, int]:
    """Send what is due; each mail claimed first so that concurrent workers never both send it."""
    now = now or timezone.now()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    due = list(
        OutboundMail.objects.filter(status=OutboundMail.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id").values_list("id", "next_attempt_at")[:limit]
    )
    for outbound_id, seen_due in due:
        if not _claim(outbound_id, seen_due, now):
            continue
        outbound = OutboundMail.objects.select_related("mailbox", "concern", "message").get(pk=outbound_id)
        status = outbound_send(outbound, now=now)
        counts["sent" if status == OutboundMail.Status.SENT else "failed" if status == "failed" else "retry"] += 1
    return counts


def outbound_retry(*, outbound: OutboundMail, actor: Any) -> OutboundMail:
    """An agent sends a failed mail again (after the address was corrected, say)."""
    with transaction.atomic():
        updated = OutboundMail.objects.filter(pk=outbound.pk, status=OutboundMail.Status.FAILED).update(
            status=OutboundMail.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0)
        if updated:
            event_record(name="mail.send_retried", aggregate_type="concern", aggregate_id=outbound.concern_id,
                         actor=actor, payload={"outbound_mail_id": outbound.pk})
            transaction.on_commit(_send_soon)
    outbound.refresh_from_db()
    return outbound


def outbound_mark_bounced(*, ids: list[str], recipients: list[str]) -> int:
    """A bounce names the mail it is about: that mail failed, whatever SMTP said at the time."""
    wanted = [i for i in ids if i][:50]
    if not wanted:
        return 0
    recipient_match = Q()
    for address in recipients[:20]:
        recipient_match |= Q(to_address__iexact=address)
    return OutboundMail.objects.filter(recipient_match, header_id__in=wanted).update(
        status=OutboundMail.Status.FAILED, last_error=_("The recipient's mail server returned the mail (bounce)."))
