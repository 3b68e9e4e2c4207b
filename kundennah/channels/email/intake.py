"""One mail in: stored once, threaded into its concern or made a new one, robots never answered.

``mail_take_in`` is the email channel's single call into the service desk. It is safe to call
again with the same mail at any time (after a crash between commit and the server-side delete,
on a redelivery by push, with the same mail arriving in two mailboxes): the mail is recognised
by (mailbox, UIDVALIDITY, UID) and by its Message-ID and becomes one concern or message only.

Threading, strictest first: our own Message-IDs and the customer's earlier ones in
In-Reply-To/References; the per-concern reply address (``service+<id>-<signature>@…``); a
reference number in the subject only when the sender is a known contact of that concern's
customer — otherwise the mail starts a new concern marked "possibly related".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundennah.channels.email.models import InboundMail, Mailbox
from kundennah.channels.email.outbox import acknowledgement_queue
from kundennah.channels.email.parsing import MalformedMail, ParsedMail, address_key, mail_parse
from kundennah.core.errors import DomainValidationError
from kundennah.customers.models import ContactPoint, Customer, Membership, SearchKey
from kundennah.customers.services.contact_points import contact_points_mark_failing
from kundennah.service.attachments import IncomingFile, attachments_check
from kundennah.service.models import Concern, Message
from kundennah.service.services import MAX_BODY, MAX_SUBJECT, ConcernIntake, concern_intake, message_add
from kundennah.timeline.models import Interaction

REFERENCE_IN_SUBJECT = re.compile(r"\bA-\d{4}-\d{6}\b")
# Mails dated further in the future than this are taken as received now (wrong sender clocks).
CLOCK_SKEW = dt.timedelta(minutes=5)


# --- The reply address --------------------------------------------------------------------


def _signature(concern_id: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"mail-reply:{concern_id}".encode(), hashlib.sha256).digest()
    return b32encode(digest[:15]).decode().lower()  # 120 bits: not guessable


def reply_address(mailbox_address: str, concern_id: int) -> str:
    """``service+<concern>-<signature>@example.com`` for ``service@example.com``."""
    local, _at, domain = mailbox_address.partition("@")
    return f"{local}+{concern_id}-{_signature(concern_id)}@{domain}"


def reply_address_concern_id(address: str, mailbox_address: str) -> int | None:
    """The concern a reply address of this mailbox stands for, if its signature is right."""
    local, _at, domain = address.strip().lower().partition("@")
    box_local, _at2, box_domain = mailbox_address.strip().lower().partition("@")
    base, plus, tag = local.partition("+")
    if not plus or base != box_local or domain != box_domain:
        return None
    concern_part, dash, signature = tag.partition("-")
    if not dash or not concern_part.isdigit() or len(concern_part) > 18:
        return None
    concern_id = int(concern_part)
    return concern_id if hmac.compare_digest(signature, _signature(concern_id)) else None


# --- Who wrote ----------------------------------------------------------------------------


def _email_keys(address: str) -> set[str]:
    return {address.lower()[:120], address_key(address)[:120]} - {""}


def sender_customer(address: str) -> Customer | None:
    """The one active customer with this address as a *verified* email contact point.

    A From header is easy to forge; only an address the customer confirmed ties a mail to
    their record by itself. Unverified matches are offered to the agent as suggestions.
    """
    if not address:
        return None
    keys = _email_keys(address)
    ids = set(SearchKey.objects.filter(kind=SearchKey.Kind.EMAIL, key__in=keys).values_list("customer_id", flat=True))
    if not ids:
        return None
    verified = {
        point.customer_id for point in ContactPoint.objects.filter(
            customer_id__in=ids, kind=ContactPoint.Kind.EMAIL, is_verified=True,
        ).only("customer_id", "value")
        if _email_keys(point.value) & keys
    }
    if len(verified) != 1:
        return None
    return Customer.objects.filter(pk=verified.pop(), status=Customer.Status.ACTIVE).first()


def sender_is_contact_of(concern: Concern, address: str) -> bool:
    """Whether ``address`` belongs to the concern's contact or to its customer (or a person of it)."""
    keys = _email_keys(address)
    if not keys:
        return False
    if concern.contact_email and _email_keys(concern.contact_email) & keys:
        return True
    if concern.customer_id is None:
        return False
    members = Membership.objects.filter(organisation_id=concern.customer_id).values_list("person_id", flat=True)
    return SearchKey.objects.filter(kind=SearchKey.Kind.EMAIL, key__in=keys).filter(
        customer_id__in=[concern.customer_id, *members]).exists()


# --- Threading ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Thread:
    concern: Concern | None
    how: str  # "header", "reply-address", "subject-reference" or "new"
    possibly_related: Concern | None = None


def _current(concern: Concern) -> Concern:
    # A merged concern lives on in the one it was merged into.
    seen = set()
    while concern.merged_into_id is not None and concern.pk not in seen:
        seen.add(concern.pk)
        target = Concern.objects.filter(pk=concern.merged_into_id).first()
        if target is None:
            break
        concern = target
    return concern


def thread_find(mailbox: Mailbox, parsed: ParsedMail) -> Thread:
    from kundennah.channels.email.models import OutboundMail

    ids = [i for i in [*parsed.in_reply_to, *reversed(parsed.references)] if i][:50]
    if ids:
        concern_id = OutboundMail.objects.filter(header_id__in=ids).values_list("concern_id", flat=True).first()
        if concern_id is None:
            concern_id = (
                InboundMail.objects.filter(header_id__in=ids, concern__isnull=False)
                .values_list("concern_id", flat=True).first()
            )
        concern = Concern.objects.filter(pk=concern_id).first() if concern_id else None
        if concern is not None:
            return Thread(_current(concern), "header")
    for address in [*parsed.to, *parsed.cc, *parsed.delivered_to]:
        concern_id = reply_address_concern_id(address, mailbox.from_address)
        concern = Concern.objects.filter(pk=concern_id).first() if concern_id else None
        if concern is not None:
            return Thread(_current(concern), "reply-address")
    related = None
    for reference in REFERENCE_IN_SUBJECT.findall(parsed.subject.upper())[:3]:
        concern = Concern.objects.filter(reference=reference).first()
        if concern is None:
            continue
        if sender_is_contact_of(concern, parsed.from_address):
            return Thread(_current(concern), "subject-reference")
        related = related or concern
    return Thread(None, "new", related)


# --- Taking a mail in -----------------------------------------------------------------------


def _raw_store(raw: bytes, digest: str) -> str:
    # Under its hash: writing the same mail twice (a retry) finds the file already there.
    name = f"mail/raw/{digest[:2]}/{digest}.eml"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(raw))
    return name


def _received_at(parsed: ParsedMail) -> dt.datetime:
    now = timezone.now()
    if parsed.date is None or parsed.date > now + CLOCK_SKEW:
        return now
    # A mail that sat on the server is received when it arrived, within reason: the promise
    # counts from then, but never from a date the sender's clock made up years ago.
    return max(parsed.date, now - dt.timedelta(days=7))


def _attachments(parsed: ParsedMail) -> tuple[list[IncomingFile], list[str]]:
    """What may be stored, and the names of what was not (too big, dangerous, too many)."""
    kept: list[IncomingFile] = []
    refused = list(parsed.dropped_attachments)
    for attachment in parsed.attachments:
        incoming = IncomingFile(filename=attachment.filename, content=attachment.content,
                                content_id=attachment.content_id if attachment.inline else "")
        if len(kept) >= settings.ATTACHMENTS_PER_MESSAGE:
            refused.append(attachment.filename)
            continue
        try:
            attachments_check([incoming])
        except DomainValidationError:
            refused.append(attachment.filename)
            continue
        kept.append(incoming)
    return kept, refused


def _body(parsed: ParsedMail, refused: list[str]) -> str:
    text = parsed.text.strip() or parsed.subject or _("(empty mail)")
    if refused:
        text += "\n\n" + _("Attachments not taken over (too large, not allowed or too many): %(names)s") % {
            "names": ", ".join(refused)}
    return text[:MAX_BODY]


def _record(mailbox: Mailbox, *, uid: int | None, uidvalidity: int | None, raw_name: str, digest: str, size: int,
            status: str, parsed: ParsedMail | None = None, reason: str = "", concern: Concern | None = None,
            message: Message | None = None, threaded_by: str = "") -> InboundMail:
    return InboundMail.objects.create(
        mailbox=mailbox, uid=uid, uidvalidity=uidvalidity, header_id=(parsed.message_id if parsed else "")[:998],
        status=status, reason=reason[:300], sender=(parsed.from_address if parsed else "")[:320],
        subject=(parsed.subject if parsed else "")[:300], raw=raw_name, raw_sha256=digest, raw_size=size,
        concern=concern, message=message, threaded_by=threaded_by,
        has_remote_images=parsed.has_remote_images if parsed else False, html=parsed.html if parsed else "",
    )


def _already(mailbox: Mailbox, uid: int | None, uidvalidity: int | None, digest: str = "") -> InboundMail | None:
    if uid is None:
        # Pushed mail has no UID: a redelivery is the same bytes.
        if not digest:
            return None
        return InboundMail.objects.filter(mailbox=mailbox, uid__isnull=True, raw_sha256=digest).first()
    return InboundMail.objects.filter(mailbox=mailbox, uidvalidity=uidvalidity, uid=uid).first()


def mail_take_in(*, mailbox: Mailbox, raw: bytes, uid: int | None = None, uidvalidity: int | None = None,
                 base_url: str = "") -> InboundMail:
    """Take in one raw mail exactly once; returns what became of it.

    Never raises for anything the mail contains: an unreadable mail is kept raw with the
    reason (status malformed) so the mails behind it go on.
    """
    digest = hashlib.sha256(raw).hexdigest()
    existing = _already(mailbox, uid, uidvalidity, digest)
    if existing is not None:
        return existing
    raw_name = _raw_store(raw, digest)
    common: dict[str, Any] = {
        "uid": uid, "uidvalidity": uidvalidity, "raw_name": raw_name, "digest": digest, "size": len(raw)}
    try:
        parsed = mail_parse(raw, max_attachment_bytes=settings.ATTACHMENT_MAX_BYTES)
    except MalformedMail as exc:
        return _record_once(mailbox, status=InboundMail.Status.MALFORMED, reason=exc.reason, **common)
    try:
        with transaction.atomic():
            return _take_in_parsed(mailbox, parsed, common, base_url=base_url)
    except IntegrityError:
        # Another worker took in the same mail at the same moment: theirs counts.
        again = _already(mailbox, uid, uidvalidity)
        if again is not None:
            return again
        if parsed.message_id:
            twin = InboundMail.objects.filter(header_id=parsed.message_id).order_by("id").first()
            if twin is not None:
                return _record_once(mailbox, status=InboundMail.Status.DUPLICATE, parsed=parsed,
                                    concern=twin.concern, message=twin.message, **common)
        raise


def _record_once(mailbox: Mailbox, **fields: Any) -> InboundMail:
    try:
        with transaction.atomic():
            return _record(mailbox, **fields)
    except IntegrityError:
        found = _already(mailbox, fields.get("uid"), fields.get("uidvalidity"))
        if found is None:
            raise
        return found


def _take_in_parsed(mailbox: Mailbox, parsed: ParsedMail, common: dict[str, Any], *, base_url: str) -> InboundMail:
    record: dict[str, Any] = dict(common, parsed=parsed)
    if parsed.message_id:
        twin = (
            InboundMail.objects.filter(header_id=parsed.message_id)
            .exclude(status=InboundMail.Status.MALFORMED).order_by("id").first()
        )
        if twin is not None:
            return _record(mailbox, status=InboundMail.Status.DUPLICATE, concern=twin.concern, message=twin.message,
                           reason=_("Same Message-ID as a mail taken in before."), **record)
    thread = thread_find(mailbox, parsed)
    if parsed.auto:
        return _robot(mailbox, parsed, thread, record)
    kept, refused = _attachments(parsed)
    body = _body(parsed, refused)
    external_key = f"mail:{parsed.message_id}"[:200] if parsed.message_id else f"mail-sha256:{common['digest']}"
    if thread.concern is not None:
        message = message_add(
            concern=thread.concern, kind=Message.Kind.INBOUND, body=body, channel=Interaction.Channel.EMAIL,
            sender_name=parsed.from_name or parsed.from_address, attachments=kept, external_key=external_key,
        )
        concern = message.concern
        return _record(mailbox, status=InboundMail.Status.PROCESSED, concern=concern, message=message,
                       threaded_by=thread.how, **record)
    customer = sender_customer(parsed.from_address)
    concern = concern_intake(data=ConcernIntake(
        channel=Interaction.Channel.EMAIL, subject=parsed.subject[:MAX_SUBJECT] or _("(no subject)"), body=body,
        customer=customer, contact_name=parsed.from_name[:200], contact_email=parsed.reply_to or parsed.from_address,
        received_at=_received_at(parsed), attachments=kept, external_key=external_key, team=mailbox.team,
        identify=False,
    ))
    if thread.possibly_related is not None and thread.possibly_related.pk != concern.pk:
        concern.related.add(thread.possibly_related)
    first = concern.messages.order_by("id").first()
    inbound = _record(mailbox, status=InboundMail.Status.PROCESSED, concern=concern, message=first,
                      threaded_by=thread.how, **record)
    acknowledgement_queue(concern, mailbox=mailbox, in_reply_to=parsed.message_id, references=parsed.references,
                          base_url=base_url)
    return inbound


def _robot(mailbox: Mailbox, parsed: ParsedMail, thread: Thread, record: dict[str, Any]) -> InboundMail:
    """Auto-replies, bounces and bulk mail: kept and shown, never acknowledged, never a new concern."""
    from kundennah.channels.email.outbox import outbound_mark_bounced

    if parsed.bounce_recipients:
        contact_points_mark_failing(addresses=parsed.bounce_recipients, reason=parsed.subject[:200])
        outbound_mark_bounced(ids=[*parsed.in_reply_to, *parsed.references], recipients=parsed.bounce_recipients)
        status = InboundMail.Status.BOUNCE
    else:
        status = InboundMail.Status.LOOP
    message: Message | None = None
    if thread.concern is not None:
        # The agent should see that the customer is away or the address failed, without the
        # concern reopening or anyone answering a robot.
        note = _("Automatic mail from %(sender)s (%(reason)s): %(subject)s") % {
            "sender": parsed.from_address or "?", "reason": parsed.auto, "subject": parsed.subject}
        message = message_add(concern=thread.concern, kind=Message.Kind.NOTE,
                              body=(note + "\n\n" + parsed.text.strip())[:MAX_BODY])
    return _record(mailbox, status=status, reason=parsed.auto, concern=thread.concern, message=message,
                   threaded_by=thread.how if thread.concern else "", **record)


def mail_keep_unprocessed(*, mailbox: Mailbox, raw: bytes, digest: str, uid: int | None, uidvalidity: int | None,
                          reason: str) -> InboundMail:
    """Keep a mail that could not be taken in (a fault of ours), raw and with the reason."""
    raw_name = _raw_store(raw, digest)
    return _record_once(mailbox, status=InboundMail.Status.MALFORMED, reason=reason, uid=uid, uidvalidity=uidvalidity,
                        raw_name=raw_name, digest=digest, size=len(raw))


def mail_take_in_again(*, inbound: InboundMail, base_url: str = "") -> InboundMail:
    """An admin takes a kept (unreadable or failed) mail in again, e.g. after a fix.

    All or nothing: if it fails again, the kept mail stays as it was.
    """
    if inbound.status != InboundMail.Status.MALFORMED:
        return inbound
    with inbound.raw.open("rb") as handle:
        raw = handle.read()
    with transaction.atomic():
        mailbox, uid, uidvalidity = inbound.mailbox, inbound.uid, inbound.uidvalidity
        InboundMail.objects.filter(pk=inbound.pk).delete()
        again = mail_take_in(mailbox=mailbox, raw=raw, uid=uid, uidvalidity=uidvalidity, base_url=base_url)
        if again.status == InboundMail.Status.MALFORMED:
            raise MalformedMail(again.reason)
    return again
