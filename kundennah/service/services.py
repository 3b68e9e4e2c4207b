"""Writes on concerns. Every channel calls ``concern_intake``; every UI and the API call the rest.

Each service runs in one transaction, writes a domain event to the outbox and puts what the
customer said or was told on their timeline. Side effects outside the database (the
acknowledgement mail, webhooks) are started from the outbox after commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.core.emails import email_match_key, email_normalise
from kundennah.core.errors import ConflictError, DomainValidationError, ErrorCollector, InvalidTransitionError
from kundennah.core.events import event_record
from kundennah.core.phones import phone_normalise, phone_try_normalise
from kundennah.core.sequences import counter_next
from kundennah.customers.models import ContactPoint, Customer, SearchKey, Site
from kundennah.service.attachments import IncomingFile, attachments_check, attachments_store
from kundennah.service.models import Category, Concern, ConcernPause, Message, Priority
from kundennah.service.promise import promise_apply
from kundennah.service.routing import assignee_for, team_for
from kundennah.timeline.models import Interaction
from kundennah.timeline.services import interaction_record

MAX_BODY = 50_000
MAX_SUBJECT = 300

S = Concern.Status
# Which status may follow which. Resolved and closed are left by a reopen (customer reply or
# agent); a merged concern is closed for good.
TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.OPEN, S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED},
    S.OPEN: {S.WAITING_CUSTOMER, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED},
    S.WAITING_CUSTOMER: {S.OPEN, S.WAITING_THIRD_PARTY, S.RESOLVED, S.CLOSED},
    S.WAITING_THIRD_PARTY: {S.OPEN, S.WAITING_CUSTOMER, S.RESOLVED, S.CLOSED},
    S.RESOLVED: {S.OPEN, S.CLOSED},
    S.CLOSED: {S.OPEN},
}


@dataclass
class ConcernIntake:
    """What any channel knows about a new concern. Only ``channel`` and some text are required."""

    channel: str
    subject: str = ""
    body: str = ""
    customer: Customer | None = None
    site: Site | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    received_at: dt.datetime | None = None
    category: Category | None = None
    priority: str = Priority.NORMAL
    kind: str = Concern.Kind.CONCERN
    callback_from: dt.datetime | None = None
    callback_until: dt.datetime | None = None
    raised_by: Any = None
    language: str = ""
    attachments: list[IncomingFile] = field(default_factory=list)
    # The channel's own id of this submission: a retry with it returns the first concern.
    external_key: str | None = None
    # The team the channel itself routes to (a mailbox's team); routing rules decide otherwise.
    team: Any = None
    # False when the channel identified the sender itself by stricter rules (mail: verified
    # addresses only) and an unmatched sender must stay an unidentified contact.
    identify: bool = True


def _storable(value: str) -> str:
    # Channels pass on what they received: a NUL (PostgreSQL refuses it in text) or a lone
    # surrogate from JSON must not turn a customer's message into a server error.
    return (value or "").replace("\x00", "").encode("utf-8", errors="replace").decode("utf-8")


def _clean_text(value: str, *, limit: int) -> str:
    return _storable(value).strip()[:limit * 2]


def customer_identify(*, email: str = "", phone: str = "") -> Customer | None:
    """The one customer this email address or phone number belongs to; None if none or several.

    Email is compared case-insensitively and with plus-addressing folded; phone numbers in
    any format (``030 1234567``, ``+49 30 1234567``) are compared in E.164.
    """
    candidates: set[int] = set()
    if email:
        # The search keys hold every email in lower case and without plus-addressing (indexed),
        # so this is one index lookup whatever the size of the customer base.
        candidates |= set(SearchKey.objects.filter(
            kind=SearchKey.Kind.EMAIL, key__in={email.lower()[:120], email_match_key(email)[:120]},
        ).values_list("customer_id", flat=True))
    if not candidates and phone:
        e164 = phone_try_normalise(phone)
        if e164:
            candidates |= set(
                ContactPoint.objects.filter(kind=ContactPoint.Kind.PHONE, value=e164).values_list(
                    "customer_id", flat=True)
            )
    if len(candidates) != 1:
        return None
    return Customer.objects.filter(pk=candidates.pop(), status=Customer.Status.ACTIVE).first()


def _intake_check(data: ConcernIntake) -> tuple[str, str, str, str, list[tuple[IncomingFile, str]]]:
    errors = ErrorCollector()
    if data.channel not in Interaction.Channel.values:
        errors.add("channel", "invalid_choice", _("This channel is unknown."))
    if data.kind not in Concern.Kind.values:
        errors.add("kind", "invalid_choice", _("This value is not one of the allowed values."))
    if data.priority not in Priority.values:
        errors.add("priority", "invalid_choice", _("This value is not one of the allowed values."))
    subject = " ".join(_clean_text(data.subject, limit=MAX_SUBJECT).split())
    body = _clean_text(data.body, limit=MAX_BODY)
    if len(subject) > MAX_SUBJECT:
        errors.add("subject", "too_long", _("At most %(limit)d characters.") % {"limit": MAX_SUBJECT})
    if len(body) > MAX_BODY:
        errors.add("body", "too_long", _("At most %(limit)d characters.") % {"limit": MAX_BODY})
    if not subject and not body and data.kind == Concern.Kind.CONCERN:
        errors.add("body", "required", _("Please tell us what your concern is about."))
    email = ""
    if data.contact_email.strip():
        with errors.field():
            email = email_normalise(data.contact_email, field="contact.email")
    phone = ""
    if data.contact_phone.strip():
        with errors.field():
            phone = phone_normalise(data.contact_phone, field="contact.phone")
    given = data.contact_email.strip() or data.contact_phone.strip() or data.contact_name.strip()
    if data.customer is None and not given:
        errors.add("contact", "contact_missing", _("Please give a name, an email address or a phone number."))
    if data.kind == Concern.Kind.CALLBACK and not phone and data.customer is None:
        errors.add("contact.phone", "required", _("Please give the number we should call."))
    if data.site is not None and (data.customer is None or data.site.organisation_id != data.customer.pk):
        errors.add("site_id", "foreign_site", _("This site belongs to another customer."))
    now = timezone.now()
    if data.received_at is not None:
        if timezone.is_naive(data.received_at):
            errors.add("received_at", "naive_datetime", _("Please give the time with its time zone."))
        elif data.received_at > now + dt.timedelta(minutes=5):
            errors.add("received_at", "in_future", _("A contact cannot lie in the future."))
        elif data.received_at < now - dt.timedelta(days=90):
            errors.add("received_at", "too_old", _("A contact logged after the fact must lie within 90 days."))
    if data.callback_from or data.callback_until:
        start, end = data.callback_from, data.callback_until
        if start is None or end is None or end <= start:
            errors.add("callback_until", "invalid_window", _("Please choose a time window that ends after it starts."))
        elif end < now:
            errors.add("callback_until", "in_past", _("Please choose a time window in the future."))
    checked: list[tuple[IncomingFile, str]] = []
    with errors.field():
        checked = attachments_check(data.attachments)
    errors.raise_if_any()
    if not subject:
        subject = _subject_from(body) if body else str(_("Callback request"))
    return subject, body, email, phone, checked


def _subject_from(body: str) -> str:
    first = " ".join(body.split())
    return first if len(first) <= 80 else first[:77].rstrip() + "…"


def concern_number_next(year: int) -> tuple[int, str]:
    """The next number of the year and the reference made of it ("A-2026-000123").

    Unique and rising per year; an intake that is rolled back skips its number (ADR 0009).
    """
    number = counter_next(name=f"concern-{year}")
    return number, f"A-{year}-{number:06d}"


def concern_intake(*, data: ConcernIntake, actor: Any = None) -> Concern:
    """Take in a concern from any channel: identify the customer, route it, make the promise.

    ``actor`` is the agent logging it (phone, letter) or None for the customer themself.
    Idempotent by ``data.external_key``: a channel that retries gets the first concern back.
    """
    subject, body, email, phone, checked = _intake_check(data)
    if data.external_key:
        existing = Message.objects.filter(external_key=data.external_key).select_related("concern").first()
        if existing is not None:
            return existing.concern
    customer = data.customer or (customer_identify(email=email, phone=phone) if data.identify else None)
    now = timezone.now()
    with transaction.atomic():
        received = data.received_at or now
        concern = Concern(
            kind=data.kind, customer=customer, site=data.site if customer is not None else None,
            contact_name=" ".join(_storable(data.contact_name).split())[:200], contact_email=email, contact_phone=phone,
            raised_by=data.raised_by if getattr(data.raised_by, "pk", None) else None,
            language=_language(data.language, customer), channel=data.channel, subject=subject,
            category=data.category, priority=data.priority, received_at=received,
            callback_from=data.callback_from, callback_until=data.callback_until,
            access_token=secrets.token_urlsafe(32),
        )
        number, concern.reference = concern_number_next(timezone.localtime(received).year)
        concern.team = data.team or team_for(concern)
        concern.assignee = assignee_for(concern.team, turn=number)
        promise_apply(concern)
        concern.save()
        message = Message.objects.create(
            concern=concern, kind=Message.Kind.INBOUND, body=body or subject, channel=data.channel,
            sender_name=concern.contact_name or (customer.display_name if customer else ""),
            author=actor if getattr(actor, "pk", None) and data.raised_by is None else None,
            external_key=data.external_key or None, created_at=received,
        )
        attachments_store(message, checked)
        _timeline(concern, message, actor=actor)
        event_record(
            name="concern.created", aggregate_type="concern", aggregate_id=concern.pk, actor=actor,
            payload=_payload(concern),
        )
    return concern


def _language(requested: str, customer: Customer | None) -> str:
    if requested[:2] in {"de", "en"}:
        return requested[:2]
    return customer.language if customer is not None else "de"


def _payload(concern: Concern, **extra: Any) -> dict[str, Any]:
    return {
        "concern_id": concern.pk, "reference": concern.reference, "kind": concern.kind,
        "status": concern.status, "channel": concern.channel,
        "customer_id": concern.customer_id, "team_id": concern.team_id, "assignee_id": concern.assignee_id,
        "first_response_due_at": concern.first_response_due_at.isoformat() if concern.first_response_due_at else None,
        **extra,
    }


_DIRECTION: dict[str, str] = {
    Message.Kind.INBOUND: Interaction.Direction.INBOUND,
    Message.Kind.OUTBOUND: Interaction.Direction.OUTBOUND,
    Message.Kind.NOTE: Interaction.Direction.INTERNAL,
}


def _timeline(concern: Concern, message: Message, *, actor: Any) -> None:
    if concern.customer is None:
        return
    channel = message.channel if message.kind == Message.Kind.INBOUND else concern.channel
    interaction_record(
        customer=concern.customer, site=concern.site, channel=channel, direction=_DIRECTION[message.kind],
        occurred_at=min(message.created_at, timezone.now()), subject=f"{concern.reference} · {concern.subject}"[:300],
        summary=message.body[:2000], actor=actor, source_type="concern", source_id=concern.pk,
        external_key=f"concern-message:{message.pk}",
    )


def _claim(concern: Concern, expected_version: int | None) -> None:
    """Bump the version; refuse if someone changed the concern since ``expected_version``."""
    if expected_version is not None and expected_version != concern.version:
        raise ConflictError()
    updated = Concern.objects.filter(pk=concern.pk, version=concern.version).update(version=concern.version + 1)
    if not updated:
        raise ConflictError()
    concern.version += 1


def _locked(concern: Concern) -> Concern:
    # Lock only the concern row: PostgreSQL refuses FOR UPDATE on the nullable side of the joins.
    return Concern.objects.select_for_update(of=("self",)).select_related("customer", "team").get(pk=concern.pk)


def _save(concern: Concern, fields: list[str], *, actor: Any) -> None:
    concern._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    promise_apply(concern)
    concern.save(update_fields=[*fields, "first_response_due_at", "resolution_due_at", "due_at", "inbox_due_at",
                                "promised_at", "sla_state", "updated_at"])


# Channels that carry an agent's reply to the customer (the email channel) register here. Each
# is called inside the reply's transaction: the delivery is queued with the reply or not at all.
ReplyDelivery = Callable[[Concern, Message], Any]
_reply_deliveries: list[ReplyDelivery] = []


def reply_delivery_register(delivery: ReplyDelivery) -> None:
    if delivery not in _reply_deliveries:
        _reply_deliveries.append(delivery)


def message_add(
    *,
    concern: Concern,
    kind: str,
    body: str,
    actor: Any = None,
    channel: str | None = None,
    sender_name: str = "",
    attachments: list[IncomingFile] | None = None,
    status_after: str | None = None,
    external_key: str | None = None,
) -> Message:
    """A message on a concern: the customer's (reopens it), an agent's reply or an internal note.

    A reply is the first response that keeps the promise. ``status_after`` lets the agent say
    in the same step what happens next (waiting for the customer, resolved…).
    """
    errors = ErrorCollector()
    if kind not in Message.Kind.values:
        errors.add("kind", "invalid_choice", _("This value is not one of the allowed values."))
    text = _clean_text(body, limit=MAX_BODY)
    if not text:
        errors.add("body", "required", _("Please write a message."))
    elif len(text) > MAX_BODY:
        errors.add("body", "too_long", _("At most %(limit)d characters.") % {"limit": MAX_BODY})
    checked: list[tuple[IncomingFile, str]] = []
    with errors.field():
        checked = attachments_check(attachments or [])
    errors.raise_if_any()
    if external_key:
        existing = Message.objects.filter(external_key=external_key).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        concern = _locked(concern)
        if concern.merged_into_id is not None:
            raise InvalidTransitionError(_("This concern was merged into %(reference)s.") % {
                "reference": concern.merged_into.reference if concern.merged_into else ""})
        if kind == Message.Kind.INBOUND and concern.status == S.CLOSED:
            return _follow_up(concern, text, checked, channel or concern.channel, sender_name, external_key)
        now = timezone.now()
        message = Message.objects.create(
            concern=concern, kind=kind, body=text, channel=channel or concern.channel,
            author=actor if getattr(actor, "pk", None) and kind != Message.Kind.INBOUND else None,
            sender_name=_storable(sender_name)[:200] or (
                getattr(actor, "display_name", "") if kind != Message.Kind.INBOUND else ""),
            external_key=external_key or None, created_at=now,
        )
        attachments_store(message, checked)
        fields: list[str] = []
        if kind == Message.Kind.OUTBOUND:
            if concern.first_responded_at is None:
                concern.first_responded_at = now
                fields.append("first_responded_at")
            if concern.human_reached_at is None:
                concern.human_reached_at = now
                fields.append("human_reached_at")
            if concern.status == S.NEW:
                _set_status(concern, S.OPEN, now, fields)
        elif kind == Message.Kind.INBOUND and concern.status in {S.WAITING_CUSTOMER, S.RESOLVED}:
            _set_status(concern, S.OPEN, now, fields)
        if status_after and status_after != concern.status:
            _check_transition(concern.status, status_after)
            _set_status(concern, status_after, now, fields)
        _claim(concern, None)
        _save(concern, [*fields, "version"], actor=actor)
        _timeline(concern, message, actor=actor)
        names: dict[str, str] = {
            Message.Kind.INBOUND: "concern.customer_replied", Message.Kind.OUTBOUND: "concern.replied",
            Message.Kind.NOTE: "concern.note_added",
        }
        name = names[kind]
        event_record(name=name, aggregate_type="concern", aggregate_id=concern.pk, actor=actor,
                     payload=_payload(concern, message_id=message.pk))
        if kind == Message.Kind.OUTBOUND:
            for deliver in _reply_deliveries:
                deliver(concern, message)
        if concern.status == S.RESOLVED and "resolved_at" in fields:
            event_record(name="concern.resolved", aggregate_type="concern", aggregate_id=concern.pk,
                         actor=actor, payload=_payload(concern))
    return message


def _follow_up(concern: Concern, text: str, checked: list[tuple[IncomingFile, str]], channel: str,
               sender_name: str, external_key: str | None) -> Message:
    # A closed concern stays closed (its figures are final); the customer's new words start a
    # follow-up that points back to it.
    follow = concern_intake(data=ConcernIntake(
        channel=channel, subject=str(_("Follow-up to %(reference)s: %(subject)s") % {
            "reference": concern.reference, "subject": concern.subject})[:MAX_SUBJECT],
        body=text, customer=concern.customer, site=concern.site, contact_name=concern.contact_name or sender_name,
        contact_email=concern.contact_email, contact_phone=concern.contact_phone, raised_by=concern.raised_by,
        language=concern.language, category=concern.category, priority=concern.priority,
        external_key=external_key,
    ))
    message = follow.messages.first()
    assert message is not None
    if checked:
        attachments_store(message, checked)
    return message


def _check_transition(current: str, target: str) -> None:
    if target not in S.values:
        raise DomainValidationError.single("status", "invalid_choice", _("This status is unknown."))
    if target not in TRANSITIONS.get(current, set()):
        raise InvalidTransitionError(_("A concern cannot go from “%(current)s” to “%(target)s”.") % {
            "current": S(current).label, "target": S(target).label})


def _set_status(concern: Concern, target: str, now: dt.datetime, fields: list[str]) -> None:
    previous = concern.status
    if previous == S.WAITING_CUSTOMER:
        ConcernPause.objects.filter(concern=concern, ended_at__isnull=True).update(ended_at=now)
    if target == S.WAITING_CUSTOMER:
        ConcernPause.objects.create(concern=concern, started_at=now)
        concern.waiting_since = now
    else:
        concern.waiting_since = None
    if target == S.RESOLVED:
        concern.resolved_at = now
    elif target == S.CLOSED:
        concern.closed_at = now
        concern.resolved_at = concern.resolved_at or now
    elif target in Concern.OPEN_STATES:
        concern.resolved_at = None
        concern.closed_at = None
    concern.status = target
    fields += ["status", "waiting_since", "resolved_at", "closed_at"]
    if hasattr(concern, "_prefetched_objects_cache"):
        concern._prefetched_objects_cache.pop("pauses", None)


def concern_transition(*, concern: Concern, status: str, actor: Any, expected_version: int | None = None) -> Concern:
    """Change the status; 409 (``InvalidTransitionError``) for a change the status does not allow."""
    with transaction.atomic():
        concern = _locked(concern)
        _check_transition(concern.status, status)
        _claim(concern, expected_version)
        fields: list[str] = ["version"]
        _set_status(concern, status, timezone.now(), fields)
        _save(concern, fields, actor=actor)
        event_record(name="concern.status_changed", aggregate_type="concern", aggregate_id=concern.pk,
                     actor=actor, payload=_payload(concern))
        if status in {S.RESOLVED, S.CLOSED}:
            event_record(name=f"concern.{status}", aggregate_type="concern", aggregate_id=concern.pk,
                         actor=actor, payload=_payload(concern))
    return concern


def concern_assign(
    *, concern: Concern, actor: Any, team: Any = None, assignee: Any = None, expected_version: int | None = None,
) -> Concern:
    """Give the concern to a team and/or an agent (an agent outside the team is refused)."""
    with transaction.atomic():
        concern = _locked(concern)
        new_team = team or concern.team
        if assignee is not None and new_team is not None and not assignee.teams.filter(pk=new_team.pk).exists():
            raise DomainValidationError.single("assignee_id", "not_in_team", _("This agent is not in the team."))
        if assignee is not None and not assignee.is_staff_member:
            raise DomainValidationError.single("assignee_id", "not_an_agent", _("Only staff can take a concern."))
        _claim(concern, expected_version)
        if team is not None and team != concern.team and assignee is None:
            concern.assignee = None
        concern.team = new_team
        if assignee is not None:
            concern.assignee = assignee
        _save(concern, ["team", "assignee", "version"], actor=actor)
        event_record(name="concern.assigned", aggregate_type="concern", aggregate_id=concern.pk,
                     actor=actor, payload=_payload(concern))
    return concern


def concern_unassign(*, concern: Concern, actor: Any) -> Concern:
    with transaction.atomic():
        concern = _locked(concern)
        _claim(concern, None)
        concern.assignee = None
        _save(concern, ["assignee", "version"], actor=actor)
        event_record(name="concern.assigned", aggregate_type="concern", aggregate_id=concern.pk,
                     actor=actor, payload=_payload(concern))
    return concern


def concern_update(
    *, concern: Concern, actor: Any, subject: str | None = None, category: Category | None = None,
    priority: str | None = None, site: Site | None = None, expected_version: int | None = None,
    clear_category: bool = False, clear_site: bool = False,
) -> Concern:
    """Triage: subject, category, priority, site. The promise follows priority and category."""
    errors = ErrorCollector()
    if priority is not None and priority not in Priority.values:
        errors.add("priority", "invalid_choice", _("This value is not one of the allowed values."))
    clean_subject = " ".join((subject or "").split()) if subject is not None else None
    if clean_subject is not None and not clean_subject:
        errors.add("subject", "required", _("This field is required."))
    elif clean_subject is not None and len(clean_subject) > MAX_SUBJECT:
        errors.add("subject", "too_long", _("At most %(limit)d characters.") % {"limit": MAX_SUBJECT})
    if site is not None and site.organisation_id != concern.customer_id:
        errors.add("site_id", "foreign_site", _("This site belongs to another customer."))
    errors.raise_if_any()
    with transaction.atomic():
        concern = _locked(concern)
        _claim(concern, expected_version)
        if clean_subject is not None:
            concern.subject = clean_subject
        if priority is not None:
            concern.priority = priority
        if category is not None or clear_category:
            concern.category = category
        if site is not None or clear_site:
            concern.site = site
        _save(concern, ["subject", "priority", "category", "site", "version"], actor=actor)
        event_record(name="concern.updated", aggregate_type="concern", aggregate_id=concern.pk,
                     actor=actor, payload=_payload(concern))
    return concern


def concern_link_customer(*, concern: Concern, customer: Customer, actor: Any, site: Site | None = None) -> Concern:
    """Link an unidentified contact's concern to a customer; its messages join their timeline."""
    if site is not None and site.organisation_id != customer.pk:
        raise DomainValidationError.single("site_id", "foreign_site", _("This site belongs to another customer."))
    with transaction.atomic():
        concern = _locked(concern)
        _claim(concern, None)
        concern.customer = customer
        concern.site = site
        if concern.language not in {"de", "en"}:
            concern.language = customer.language
        _save(concern, ["customer", "site", "language", "version"], actor=actor)
        for message in concern.messages.all():
            _timeline(concern, message, actor=actor)
        event_record(name="concern.customer_linked", aggregate_type="concern", aggregate_id=concern.pk,
                     actor=actor, payload=_payload(concern))
    return concern


def concern_merge(*, source: Concern, target: Concern, actor: Any) -> Concern:
    """Move ``source``'s messages into ``target`` and close ``source`` pointing at it."""
    if source.pk == target.pk:
        raise DomainValidationError.single("target", "same_concern", _("A concern cannot be merged into itself."))
    if source.customer_id and target.customer_id and source.customer_id != target.customer_id:
        raise DomainValidationError.single(
            "target", "other_customer", _("Only concerns of the same customer can be merged."))
    with transaction.atomic():
        first, second = sorted([source, target], key=lambda c: c.pk)
        locked = {c.pk: _locked(c) for c in (first, second)}
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id or target.merged_into_id:
            raise InvalidTransitionError(_("A merged concern cannot be merged again."))
        if not target.is_open and target.status != S.RESOLVED:
            raise InvalidTransitionError(_("Merge into a concern that is still open."))
        _claim(source, None)
        _claim(target, None)
        Message.objects.filter(concern=source).update(concern=target)
        Message.objects.create(
            concern=target, kind=Message.Kind.NOTE, channel=target.channel, author=actor if getattr(
                actor, "pk", None) else None,
            body=str(_("%(reference)s (“%(subject)s”) was merged into this concern.") % {
                "reference": source.reference, "subject": source.subject}),
        )
        now = timezone.now()
        fields: list[str] = ["version", "merged_into"]
        source.merged_into = target
        if source.status != S.CLOSED:
            _set_status(source, S.CLOSED, now, fields)
        _save(source, fields, actor=actor)
        if target.customer_id is None and source.customer_id is not None:
            target.customer = source.customer
        fields = ["version", "customer"]
        if target.status == S.RESOLVED:
            _set_status(target, S.OPEN, now, fields)
        # The promise made first is the one the customer holds us to.
        if source.received_at < target.received_at and source.first_responded_at is None:
            target.received_at = source.received_at
            fields.append("received_at")
        _save(target, fields, actor=actor)
        event_record(name="concern.merged", aggregate_type="concern", aggregate_id=target.pk, actor=actor,
                     payload=_payload(target, merged_concern_id=source.pk, merged_reference=source.reference))
    return target


def callback_complete(*, concern: Concern, actor: Any, note: str, reached: bool = True) -> Concern:
    """The agent called back: with a note, resolved if the customer was reached, else kept open."""
    if not concern.is_callback:
        raise InvalidTransitionError(_("This concern is not a callback request."))
    message_add(
        concern=concern, kind=Message.Kind.OUTBOUND if reached else Message.Kind.NOTE, body=note, actor=actor,
        channel=Interaction.Channel.PHONE, status_after=S.RESOLVED if reached else None,
    )
    concern.refresh_from_db()
    return concern
