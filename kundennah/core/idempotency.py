"""``Idempotency-Key`` for API creates: a retry with the same key and body gets the first answer.

Idempotency records live in the outbox (no table of their own): one event per key, user and
kind of request, holding a hash of the body and the id of what was created, never the data
itself. The same key with another body is refused (422 ``idempotency_key_reused``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kundennah.core.api import ErrorOut, FieldErrorOut
from kundennah.core.events import event_record
from kundennah.core.models import Event

IDEMPOTENCY_EVENT = "api.idempotency"
IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _serialise_key(scope: str) -> None:
    # Two concurrent retries with one key must not both create. SQLite's IMMEDIATE
    # transactions already admit one writer at a time; PostgreSQL needs a lock on the key.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(scope[:15], 16)])


def key_reused_error() -> ErrorOut:
    message = _("This Idempotency-Key was used for a different request.")
    return ErrorOut(code="idempotency_key_reused", message=message, errors=[
        FieldErrorOut(field="Idempotency-Key", code="idempotency_key_reused", message=message),
    ])


def idempotent_create(
    *, user: Any, key: str | None, body: Any, id_field: str, create: Callable[[], int], namespace: str = "",
) -> int | ErrorOut:
    """The id created for this key and body: created now, or the one created the first time.

    ``body`` is what makes two requests "the same" (JSON-serialisable); ``namespace`` keeps
    keys of different kinds of request apart; ``id_field`` names the id in the record. A
    create that fails (raises) leaves no record, so the key stays usable.
    """
    if key is None:
        return create()
    # Customer creates were recorded before namespaces existed: their scope has no prefix.
    scope = _hash(f"{namespace}:{user.pk}:{key}" if namespace else f"{user.pk}:{key}")
    fingerprint = _hash(json.dumps(body, sort_keys=True, default=str))
    with transaction.atomic():
        _serialise_key(scope)
        previous = (
            Event.objects.filter(
                name=IDEMPOTENCY_EVENT, aggregate_type="api_request", aggregate_id=scope,
                occurred_at__gte=timezone.now() - IDEMPOTENCY_WINDOW,
            )
            .order_by("-occurred_at", "-id")
            .first()
        )
        if previous is not None:
            if previous.payload.get("fingerprint") != fingerprint or id_field not in previous.payload:
                return key_reused_error()
            return int(previous.payload[id_field])
        created_id = create()
        event_record(
            name=IDEMPOTENCY_EVENT, aggregate_type="api_request", aggregate_id=scope,
            payload={"fingerprint": fingerprint, id_field: created_id}, actor=user,
        )
    return created_id
