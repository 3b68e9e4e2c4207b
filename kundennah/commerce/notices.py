"""Telling the customer what was ordered for them and why (automatic replenishment).

The contacts who may order for the site (or for all sites) get a mail after the order is
committed: what, for which site, why (the device's level or the counted stock against the
threshold), and — for a draft — that it waits for their confirmation in the portal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundennah.commerce.models import Order, OrderStatus, PortalRight
from kundennah.core.emails import header_text


def replenishment_recipients(order: Order) -> list[tuple[str, str]]:
    """(email, language) of the contacts who may order for the order's site."""
    rights = (
        PortalRight.objects.filter(customer_id=order.customer_id, can_order=True, user__is_active=True)
        .filter(Q(site__isnull=True) | Q(site_id=order.site_id))
        .select_related("user")
    )
    seen: dict[str, str] = {}
    for right in rights:
        if right.user.email:
            seen.setdefault(right.user.email, right.user.language or "de")
    return sorted(seen.items())


def replenishment_notice_send(*, order_id: int, base_url: str = "") -> int:
    """Mail the site's ordering contacts about an automatic order; returns how many mails went out."""
    order = Order.objects.filter(pk=order_id, source=Order.Source.REPLENISHMENT).prefetch_related("lines").first()
    if order is None:
        return 0
    base = (base_url or settings.BASE_URL).rstrip("/")
    sent = 0
    for address, language in replenishment_recipients(order):
        with translation.override(language if language in {"de", "en"} else "de"):
            context: dict[str, Any] = {
                "order": order, "lines": list(order.lines.all()), "is_draft": order.status == OrderStatus.DRAFT,
                "portal_url": base + reverse("orders:detail", args=[order.pk]),
                "company_name": settings.COMPANY_NAME, "service_phone": settings.SERVICE_PHONE,
                "service_hours": settings.SERVICE_HOURS,
            }
            subject = header_text(render_to_string("commerce/notice/replenishment_subject.txt", context))
            text = render_to_string("commerce/notice/replenishment.txt", context)
        message = EmailMultiAlternatives(subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                         to=[address], headers={"Auto-Submitted": "auto-generated"})
        message.send()
        sent += 1
    return sent

