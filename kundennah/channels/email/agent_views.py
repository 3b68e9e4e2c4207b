"""What agents see of mail beside a concern: a mail's HTML (isolated), and sending a failed mail again."""

from __future__ import annotations

import base64
import re

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.channels.email.models import InboundMail, OutboundMail
from kundennah.channels.email.outbox import outbound_retry
from kundennah.core.permissions import staff_required
from kundennah.service.selectors import concern_get_for_user

BLOCKED_SRC = re.compile(r'data-blocked-src="([^"]*)"')
CID_SRC = re.compile(r'src="cid:([^"]+)"')
INLINE_IMAGE_LIMIT = 2 * 1024 * 1024
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _inline_images(inbound: InboundMail, html: str) -> str:
    """The mail's own inline images (``cid:``) as data URLs: shown without any request leaving."""
    if inbound.message_id is None or "cid:" not in html:
        return html
    images: dict[str, str] = {}
    for attachment in inbound.message.attachments.exclude(content_id=""):  # type: ignore[union-attr]
        if attachment.content_type in INLINE_TYPES and attachment.size <= INLINE_IMAGE_LIMIT:
            with attachment.file.open("rb") as handle:
                data = base64.b64encode(handle.read()).decode()
            images[attachment.content_id] = f"data:{attachment.content_type};base64,{data}"
    return CID_SRC.sub(lambda m: f'src="{images[m.group(1)]}"' if m.group(1) in images else 'src=""', html)


@staff_required("service.view_concern")
def mail_html(request: HttpRequest, inbound_id: int) -> HttpResponse:
    """The mail as its sender formatted it: sanitised, sandboxed, remote images only on request."""
    inbound = InboundMail.objects.filter(pk=inbound_id, concern__isnull=False).first()
    if inbound is None or inbound.concern_id is None:
        raise Http404
    concern_get_for_user(user=request.user, concern_id=inbound.concern_id)  # 404 unless the agent may see it
    images = request.GET.get("images") == "1"
    html = _inline_images(inbound, BLOCKED_SRC.sub(r'src="\1"', inbound.html) if images else inbound.html)
    notice = ""
    if inbound.has_remote_images and not images:
        warning = escape(_("Remote images are blocked: loading them tells the sender that the mail was read."))
        load = escape(_("Load images"))
        notice = (f'<p style="font:14px sans-serif;background:#fff3cd;padding:8px;margin:0 0 12px">{warning} '
                  f'<a href="?images=1" target="_self">{load}</a></p>')
    page = (f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(inbound.subject)}</title></head>'
            f"<body>{notice}{html}</body></html>")
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    # Sanitised already; the policy is the second wall: no scripts, no forms, no requests
    # except the images the agent asked for.
    image_sources = "http: https: data:" if images else "data:"
    response["Content-Security-Policy"] = (
        f"default-src 'none'; img-src {image_sources}; style-src 'unsafe-inline'; sandbox allow-popups "
        "allow-popups-to-escape-sandbox allow-same-origin")
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@staff_required("service.view_concern")
def outbound_send_again(request: HttpRequest, outbound_id: int) -> HttpResponse:
    outbound = OutboundMail.objects.filter(pk=outbound_id).first()
    if outbound is None:
        raise Http404
    concern = concern_get_for_user(user=request.user, concern_id=outbound.concern_id)
    if not request.user.has_perm("service.change_concern"):
        raise PermissionDenied
    outbound_retry(outbound=outbound, actor=request.user)
    return redirect("service:concern", concern_id=concern.pk)
