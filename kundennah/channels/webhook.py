"""The signed inbound webhook: chat, social and form systems post concerns to ``/hooks/inbound/<source>/``.

Each source is an ``InboundSource`` row with its channel and secret. Requests are signed per
Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``); the
``webhook-id`` makes a redelivery harmless: it returns the concern of the first delivery.

Body: ``{"contact": {"name", "email", "phone"}, "subject", "body"}`` for a new concern, or
with ``"reference"`` and ``"token"`` (the concern's access token) to add the customer's
message to that concern. Answers JSON in the API's error format.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kundennah.core.errors import ConflictError, DomainValidationError
from kundennah.core.webhooks import signature_verify
from kundennah.service.acknowledgement import acknowledgement_schedule
from kundennah.service.models import Concern, InboundSource, Message
from kundennah.service.services import ConcernIntake, concern_intake, message_add

MAX_BODY_BYTES = 256 * 1024


def _error(status: int, code: str, message: str, errors: list[dict[str, str]] | None = None) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "errors": errors or []}, status=status)


def _text(data: dict[str, Any], key: str, prefix: str = "") -> str:
    value = data.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise DomainValidationError.single(prefix + key, "invalid_text", _("Please give a text."))
    return value


def _answer(concern: Concern, status: int, message: Message | None = None) -> JsonResponse:
    return JsonResponse({
        "id": concern.pk, "reference": concern.reference, "status": concern.status,
        "first_response_due_at": concern.first_response_due_at.isoformat() if concern.first_response_due_at else None,
        "message_id": message.pk if message else None,
    }, status=status)


def _add_to_existing(source: InboundSource, data: dict[str, Any], external_key: str) -> JsonResponse:
    reference, token = _text(data, "reference").strip().upper(), _text(data, "token")
    concern = Concern.objects.filter(reference=reference).first() if reference else None
    if concern is None or not token or not _same(token, concern.access_token):
        # Whether the reference exists stays the sender's secret without the token.
        return _error(404, "not_found", _("No concern with this reference and token."))
    given = data.get("contact")
    contact: dict[str, Any] = given if isinstance(given, dict) else {}
    message = message_add(concern=concern, kind=Message.Kind.INBOUND, body=_text(data, "body"),
                          channel=source.channel, sender_name=str(contact.get("name") or "")[:200],
                          external_key=external_key)
    return _answer(message.concern, 201, message)


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_POST
def inbound(request: HttpRequest, source: str) -> JsonResponse:
    hook = InboundSource.objects.filter(name=source, active=True).first()
    if hook is None:
        return _error(404, "not_found", _("Not found."))
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "too_large", _("The request body is too large."))
    msg_id = request.headers.get("webhook-id", "")
    problem = signature_verify(
        secret=hook.secret, msg_id=msg_id, timestamp=request.headers.get("webhook-timestamp", ""),
        signature_header=request.headers.get("webhook-signature", ""), body=body,
    )
    if problem is not None:
        return _error(401, problem, _("The webhook signature is missing, wrong or too old."))
    if len(msg_id) > 150:
        return _error(400, "bad_request", _("The webhook-id is too long."))
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "invalid_json", _("The request body is not valid JSON."))
    if not isinstance(data, dict):
        return _error(422, "validation_error", _("Please correct the marked fields."),
                      [{"field": "", "code": "invalid_object", "message": _("Please give an object.")}])
    external_key = f"inbound:{hook.name}:{msg_id}"
    replay = Message.objects.filter(external_key=external_key).select_related("concern").first()
    if replay is not None:
        return _answer(replay.concern, 200, replay)
    try:
        if data.get("reference"):
            return _add_to_existing(hook, data, external_key)
        contact = data.get("contact") or {}
        if not isinstance(contact, dict):
            raise DomainValidationError.single("contact", "invalid_object", _("Please give an object."))
        concern = concern_intake(data=ConcernIntake(
            channel=hook.channel, subject=_text(data, "subject"), body=_text(data, "body"),
            contact_name=_text(contact, "name", "contact."), contact_email=_text(contact, "email", "contact."),
            contact_phone=_text(contact, "phone", "contact."), external_key=external_key,
        ))
        acknowledgement_schedule(concern, base_url=request.build_absolute_uri("/"))
    except DomainValidationError as exc:
        return _error(422, "validation_error", _("Please correct the marked fields."),
                      [e.as_dict() for e in exc.errors])
    except ConflictError as exc:
        return _error(409, exc.code, exc.message)
    return _answer(concern, 201)
