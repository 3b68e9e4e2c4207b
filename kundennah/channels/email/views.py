"""Mail pushed by a provider: ``POST /hooks/mail/<mailbox>/`` with the raw RFC 5322 message.

Signed like every inbound webhook (Standard Webhooks: ``webhook-id``, ``webhook-timestamp``,
``webhook-signature`` with the mailbox's push secret). A redelivery finds the mail taken in
before (by Message-ID, else by its bytes) and answers with the same result.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kundennah.channels.email.intake import mail_take_in
from kundennah.channels.email.models import Mailbox
from kundennah.core.webhooks import signature_verify

MAX_MAIL_BYTES = 40 * 1024 * 1024


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "errors": []}, status=status)


@csrf_exempt
@require_POST
def mail_push(request: HttpRequest, mailbox: str) -> JsonResponse:
    box = Mailbox.objects.filter(name=mailbox, active=True).exclude(push_secret="").first()
    if box is None:
        return _error(404, "not_found", _("Not found."))
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_MAIL_BYTES:
        return _error(413, "too_large", _("The mail is too large."))
    # Read from the stream: request.body stops at the form-post limit, and mails with
    # attachments are larger than any form.
    body = request.read(MAX_MAIL_BYTES + 1)
    if len(body) > MAX_MAIL_BYTES:
        return _error(413, "too_large", _("The mail is too large."))
    problem = signature_verify(
        secret=box.push_secret, msg_id=request.headers.get("webhook-id", ""),
        timestamp=request.headers.get("webhook-timestamp", ""),
        signature_header=request.headers.get("webhook-signature", ""), body=body,
    )
    if problem is not None:
        return _error(401, problem, _("The webhook signature is missing, wrong or too old."))
    if not body.strip():
        return _error(422, "empty_mail", _("The request carries no mail."))
    inbound = mail_take_in(mailbox=box, raw=body, base_url=request.build_absolute_uri("/"))
    concern = inbound.concern
    return JsonResponse({
        "status": inbound.status, "reason": inbound.reason,
        "concern": {"id": concern.pk, "reference": concern.reference} if concern else None,
    }, status=202 if inbound.status != "malformed" else 422)
