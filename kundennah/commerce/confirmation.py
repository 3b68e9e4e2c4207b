"""The order confirmation: a mail to the orderer (and the site's invoice address) with a PDF.

Both show exactly what the order copied from its site: delivery and invoice address, payment
with the masked IBAN and the mandate reference, every line and the totals. The PDF is rendered
by weasyprint from our own HTML, with no remote resources.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundennah.commerce.models import Order
from kundennah.core.emails import header_text


def _context(order: Order, base_url: str = "") -> dict[str, Any]:
    base = (base_url or settings.BASE_URL).rstrip("/")
    return {
        "order": order, "lines": list(order.lines.all()), "company_name": settings.COMPANY_NAME,
        "service_phone": settings.SERVICE_PHONE, "service_hours": settings.SERVICE_HOURS,
        "order_url": base + reverse("orders:detail", args=[order.pk]),
    }


def order_pdf(order: Order) -> bytes:
    """The confirmation as PDF (A4)."""
    from weasyprint import HTML

    html = render_to_string("commerce/ordering/pdf.html", _context(order))
    return bytes(HTML(string=html, base_url=None).write_pdf())


def order_confirmation_send(*, order_id: int, base_url: str = "") -> int:
    """Mail the confirmation with its PDF; returns how many recipients got it."""
    order = Order.objects.filter(pk=order_id).select_related("placed_by").first()
    if order is None:
        return 0
    recipients = [address for address in {getattr(order.placed_by, "email", ""), order.invoice_email} if address]
    if not recipients:
        return 0
    language = getattr(order.placed_by, "language", "") or "de"
    with translation.override(language if language in {"de", "en"} else "de"):
        context = _context(order, base_url)
        subject = header_text(render_to_string("commerce/ordering/mail_subject.txt", context))
        text = render_to_string("commerce/ordering/mail.txt", context)
        pdf = order_pdf(order)
    message = EmailMultiAlternatives(subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=sorted(recipients))
    message.attach(f"{order.number}.pdf", pdf, "application/pdf")
    message.send()
    return len(recipients)


def order_confirmation_schedule(order: Order, *, base_url: str) -> None:
    """Send the confirmation once the order is committed."""
    from kundennah.commerce.tasks import order_confirmation_task

    order_id = order.pk
    transaction.on_commit(lambda: order_confirmation_task(order_id, base_url))
