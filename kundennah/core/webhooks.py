"""Webhooks, signed per Standard Webhooks (https://www.standardwebhooks.com/).

Outbound: domain events in the outbox become one ``WebhookDelivery`` per matching
subscription (``webhooks_dispatch``); due deliveries are POSTed, signed with the
subscription's secret, and retried with backoff until they succeed or are given up
(``webhooks_send_due``). Every attempt is written to the outbox as ``webhook.attempt``.
Inbound: ``signature_verify`` checks what another system signed for us.

Signature: ``webhook-signature: v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}">``
with the secret's bytes (a ``whsec_`` secret is base64 after the prefix).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.accounts.rules import is_admin
from kundennah.core.errors import ErrorCollector
from kundennah.core.events import event_record
from kundennah.core.models import Event, Sequence, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
TOLERANCE = dt.timedelta(minutes=5)
# After the first attempt: 1 minute, 5 minutes, 30 minutes, 2 hours, 6 hours; then failed.
BACKOFF = [dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
           dt.timedelta(hours=6)]
TIMEOUT_SECONDS = 10
# A claimed delivery is not picked up by another worker for this long (a worker that dies
# mid-send leaves it to be retried after the lease).
LEASE = dt.timedelta(minutes=2)
# Events are dispatched by a high-water mark of the event id. Transactions commit out of
# id order, so each run looks this many ids back; the unique (subscription, event) makes it safe.
OVERLAP = 1000
DISPATCH_BATCH = 5000
MARK = "webhook-dispatch"
# Bookkeeping events that are never sent anywhere.
INTERNAL_PREFIXES = ("api.", "webhook.")
ATTEMPT_EVENT = "webhook.attempt"


# --- Signatures -------------------------------------------------------------------------------


def secret_new() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except (binascii.Error, ValueError):
            pass
    return secret.encode()


def signature_make(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_verify(
    *, secret: str, msg_id: str, timestamp: str, signature_header: str, body: bytes, now: dt.datetime | None = None,
) -> str | None:
    """None when the request is signed with ``secret`` and fresh, else what is wrong (an error code).

    The header may carry several space-separated signatures (during a secret rotation); one
    valid ``v1`` is enough.
    """
    if not msg_id or not timestamp or not signature_header:
        return "signature_missing"
    try:
        sent = int(timestamp)
    except ValueError:
        return "timestamp_invalid"
    moment = (now or timezone.now()).timestamp()
    if abs(moment - sent) > TOLERANCE.total_seconds():
        return "timestamp_out_of_tolerance"
    expected = signature_make(secret=secret, msg_id=msg_id, timestamp=sent, body=body)
    for candidate in signature_header.split():
        if hmac.compare_digest(candidate.encode(), expected.encode()):
            return None
    return "signature_invalid"


# --- Subscriptions ----------------------------------------------------------------------------


def _url_check(url: str, errors: ErrorCollector) -> None:
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors.add("url", "invalid_url", _("Please give an http or https URL."))


def webhook_subscribe(*, url: str, events: list[str], description: str = "", actor: Any) -> WebhookSubscription:
    """A new subscription with a fresh secret (shown to the caller once, from the returned row)."""
    errors = ErrorCollector()
    _url_check(url, errors)
    names = sorted({e.strip() for e in events if e.strip()})
    if not names:
        errors.add("events", "required", _("Please name at least one event, or * for all."))
    elif any(len(n) > 100 or " " in n for n in names):
        errors.add("events", "invalid_choice", _("An event name is not valid."))
    errors.raise_if_any()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url.strip(), events=names, secret=secret_new(), description=description.strip()[:200],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        event_record(name="webhook.subscribed", aggregate_type="webhook", aggregate_id=subscription.pk, actor=actor,
                     payload={"url": subscription.url, "events": names})
    return subscription


def webhook_unsubscribe(*, subscription: WebhookSubscription, actor: Any) -> None:
    """Deactivate: the delivery log stays readable, nothing more is sent."""
    with transaction.atomic():
        subscription.active = False
        subscription.save(update_fields=["active"])
        WebhookDelivery.objects.filter(subscription=subscription, status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED, last_error="unsubscribed", next_attempt_at=None)
        event_record(name="webhook.unsubscribed", aggregate_type="webhook", aggregate_id=subscription.pk,
                     actor=actor, payload={"url": subscription.url})


def _require_admin(user: Any) -> None:
    # Webhooks send customer data to outside systems: administrators only, like API tokens.
    if not is_admin(user):
        raise PermissionDenied


def webhook_subscription_get(*, user: Any, subscription_id: int) -> WebhookSubscription:
    """An active subscription, for administrators only (403 for anyone else, 404 if unknown)."""
    _require_admin(user)
    subscription = WebhookSubscription.objects.filter(pk=subscription_id, active=True).first()
    if subscription is None:
        raise Http404
    return subscription


def webhook_subscriptions(*, user: Any) -> list[WebhookSubscription]:
    _require_admin(user)
    return list(WebhookSubscription.objects.filter(active=True).order_by("id"))


# --- Dispatch: outbox → deliveries ------------------------------------------------------------


def _is_internal(name: str) -> bool:
    return name.startswith(INTERNAL_PREFIXES)


def webhooks_dispatch() -> int:
    """Create the deliveries for events not yet dispatched. Returns how many pairs of
    (subscription, event) were offered; the ones that existed already are kept as they are.

    Safe to run concurrently and repeatedly: the mark row is locked and a delivery exists
    once per (subscription, event).
    """
    subscriptions = list(WebhookSubscription.objects.filter(active=True))
    with transaction.atomic():
        mark, _new = Sequence.objects.select_for_update().get_or_create(name=MARK)
        if not subscriptions:
            # Nothing wants events: move the mark so that a new subscription starts from now.
            latest = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
            if latest > mark.last_value:
                mark.last_value = latest
                mark.save(update_fields=["last_value"])
            return 0
        events = list(
            Event.objects.filter(id__gt=max(mark.last_value - OVERLAP, 0))
            .exclude(Q(name__startswith=INTERNAL_PREFIXES[0]) | Q(name__startswith=INTERNAL_PREFIXES[1]))
            .only("id", "name", "occurred_at")
            .order_by("id")[:DISPATCH_BATCH]
        )
        now = timezone.now()
        rows = [
            WebhookDelivery(subscription=sub, event=event, next_attempt_at=now)
            for event in events
            for sub in subscriptions
            if sub.wants(event.name) and event.occurred_at >= sub.created_at
        ]
        if rows:
            WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        if events and events[-1].pk > mark.last_value:
            mark.last_value = events[-1].pk
            mark.save(update_fields=["last_value"])
    return len(rows)


# --- Sending ----------------------------------------------------------------------------------


def _payload(event: Event) -> bytes:
    body = {"type": event.name, "timestamp": event.occurred_at.isoformat(), "data": event.payload}
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A receiver answers for itself; following a redirect would send the signed body elsewhere.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (checked scheme)
    try:
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"{type(exc).__name__}: {reason}"[:500]


def _claim(delivery_id: int, now: dt.datetime) -> WebhookDelivery | None:
    # A conditional UPDATE: of several workers, exactly one claims the delivery.
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        pk=delivery_id, status=WebhookDelivery.Status.PENDING,
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription", "event").get(pk=delivery_id)


def webhook_deliver(*, delivery_id: int, now: dt.datetime | None = None) -> WebhookDelivery | None:
    """One attempt at one delivery, if it is due and nobody else took it."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now)
    if delivery is None:
        return None
    subscription, event = delivery.subscription, delivery.event
    body = _payload(event)
    timestamp = int(now.timestamp())
    msg_id = str(event.pk)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kundennah-Webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_make(secret=subscription.secret, msg_id=msg_id, timestamp=timestamp,
                                            body=body),
    }
    status_code, error = _post(subscription.url, body, headers)
    ok = status_code is not None and 200 <= status_code < 300
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error
    if ok:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts > len(BACKOFF):
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    with transaction.atomic():
        delivery.save(update_fields=["attempts", "last_status_code", "last_error", "status", "delivered_at",
                                     "next_attempt_at"])
        event_record(name=ATTEMPT_EVENT, aggregate_type="webhook_delivery", aggregate_id=delivery.pk, payload={
            "attempt": delivery.attempts, "status_code": status_code, "error": error, "at": now.isoformat(),
            "outcome": delivery.status,
        })
    if not ok:
        logger.info("webhook %s to %s failed (attempt %s): %s", delivery.pk, subscription.url, delivery.attempts,
                    error or status_code)
    return delivery


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def webhooks_send_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Try every due delivery once; returns how many were delivered."""
    delivered = 0
    for delivery_id in deliveries_due(now=now, limit=limit):
        delivery = webhook_deliver(delivery_id=delivery_id, now=now)
        if delivery is not None and delivery.status == WebhookDelivery.Status.DELIVERED:
            delivered += 1
    return delivered


def delivery_attempts(deliveries: list[WebhookDelivery]) -> dict[int, list[dict[str, Any]]]:
    """The attempt log of each delivery, oldest first, in one query."""
    found: dict[int, list[dict[str, Any]]] = {d.pk: [] for d in deliveries}
    rows = Event.objects.filter(
        name=ATTEMPT_EVENT, aggregate_type="webhook_delivery", aggregate_id__in=[str(pk) for pk in found],
    ).order_by("id").values_list("aggregate_id", "payload")
    for aggregate_id, payload in rows:
        found[int(aggregate_id)].append(payload)
    return found
