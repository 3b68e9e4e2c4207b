"""Placing orders for sites, their fulfilment, problems with them, and automatic replenishment.

``order_place`` is the one way an order comes to be (portal, API, replenishment): the site is
checked against the orderer's rights, prices and totals are computed here, the addresses, the
payment method and the bank account are copied from the site, and ``order.placed`` goes to the
outbox in the same transaction, from where the signed webhook carries it to fulfilment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kundennah.commerce import selectors
from kundennah.commerce.models import (
    OPEN_ORDER_STATES,
    Device,
    DeviceReading,
    Order,
    OrderLine,
    OrderProblem,
    OrderStatus,
    OrderTemplate,
    OrderTemplateLine,
    PaymentMethod,
    Product,
    ReplenishmentRule,
    StockCount,
)
from kundennah.commerce.pricing import MAX_QUANTITY, LineInput, Quote, quote
from kundennah.core.errors import ConflictError, DomainValidationError, InvalidTransitionError
from kundennah.core.events import event_record
from kundennah.core.sequences import counter_next
from kundennah.customers.models import Site
from kundennah.service.services import ConcernIntake, concern_intake
from kundennah.timeline.models import Interaction
from kundennah.timeline.services import interaction_record


@dataclass(frozen=True)
class Payment:
    method: str
    bank_account: Any
    iban_masked: str
    holder: str
    mandate_reference: str


def payment_of(site: Site) -> Payment:
    """How an order for ``site`` is paid: direct debit only with a valid SEPA mandate, else invoice."""
    account = site.bank_account
    if account is not None and account.has_mandate:
        return Payment(PaymentMethod.SEPA, account, account.masked_iban, account.holder, account.mandate_reference)
    return Payment(PaymentMethod.INVOICE, None, "", "", "")


def order_number_next(year: int) -> str:
    return f"B-{year}-{counter_next(name=f'order-{year}'):06d}"


def _payload(order: Order, **extra: Any) -> dict[str, Any]:
    return {
        "order_id": order.pk, "number": order.number, "status": order.status, "customer_id": order.customer_id,
        "site_id": order.site_id, "gross_total": str(order.gross_total), "currency": order.currency, **extra,
    }


def _timeline(order: Order, text: str, *, actor: Any) -> None:
    interaction_record(
        customer=order.customer, site=order.site, channel=Interaction.Channel.PORTAL,
        direction=(Interaction.Direction.INBOUND if order.status == OrderStatus.PLACED
                   else Interaction.Direction.OUTBOUND),
        occurred_at=timezone.now(), subject=f"{order.number} · {text}"[:300], summary=text[:2000], actor=actor,
        source_type="order", source_id=order.pk, external_key=f"order:{order.pk}:{order.status}",
    )


def order_place(
    *,
    actor: Any,
    site: Site,
    lines: list[LineInput],
    customer_reference: str = "",
    submission_key: str | None = None,
    source: str = Order.Source.PORTAL,
    status: str = OrderStatus.PLACED,
    replenishment_rule: ReplenishmentRule | None = None,
    reason: str = "",
) -> Order:
    """Place an order for ``site`` (or prepare a draft). Nothing is placed half-way.

    Refused: a site the actor may not order for (404, as if it did not exist), an inactive
    site, unknown or inactive products, quantities below the minimum or absurd. A repeated
    ``submission_key`` returns the order placed the first time.
    """
    if submission_key:
        earlier = Order.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    if actor is not None and not selectors.may_order_for(actor, site):
        raise Http404
    if not site.is_active:
        raise DomainValidationError.single("site_id", "inactive_site", _("Orders for this site are not possible."))
    priced: Quote = quote(customer_id=site.organisation_id, lines=lines)
    payment = payment_of(site)
    reference = " ".join(customer_reference.split())[:50]
    now = timezone.now()
    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=order_number_next(timezone.localtime(now).year), customer_id=site.organisation_id, site=site,
                placed_by=actor if getattr(actor, "pk", None) else None, source=source, status=status,
                customer_reference=reference, site_name=site.name,
                delivery_address="\n".join(site.delivery_address.lines()),
                invoice_address="\n".join(site.invoice_address.lines()), invoice_email=site.invoice_email,
                payment_method=payment.method, bank_account=payment.bank_account, iban_masked=payment.iban_masked,
                account_holder=payment.holder, mandate_reference=payment.mandate_reference,
                currency=priced.currency, net_total=priced.net_total, vat_total=priced.vat_total,
                gross_total=priced.gross_total, replenishment_rule=replenishment_rule, reason=reason[:300],
                submission_key=submission_key or None, placed_at=now if status == OrderStatus.PLACED else None,
            )
            OrderLine.objects.bulk_create([
                OrderLine(order=order, position=index, product=line.product, sku=line.product.sku,
                          name=line.product.name, unit=line.product.unit, quantity=line.quantity,
                          unit_price=line.unit_price, vat_rate=line.vat_rate, net_amount=line.net_amount,
                          vat_amount=line.vat_amount)
                for index, line in enumerate(priced.lines, start=1)
            ])
            if status == OrderStatus.PLACED:
                _placed(order, actor=actor)
            else:
                event_record(name="order.drafted", aggregate_type="order", aggregate_id=order.pk, actor=actor,
                             payload=_payload(order, reason=order.reason))
    except IntegrityError:
        if submission_key:
            earlier = Order.objects.filter(submission_key=submission_key).first()
            if earlier is not None:
                return earlier
        raise
    return order


def _placed(order: Order, *, actor: Any) -> None:
    lines = [{"sku": line.sku, "quantity": line.quantity, "unit_price": str(line.unit_price)}
             for line in order.lines.all()]
    event_record(name="order.placed", aggregate_type="order", aggregate_id=order.pk, actor=actor,
                 payload=_payload(order, lines=lines, payment_method=order.payment_method))
    _timeline(order, _("Order placed for %(site)s: %(total)s %(currency)s") % {
        "site": order.site_name, "total": order.gross_total, "currency": order.currency}, actor=actor)


def order_confirm(*, actor: Any, order: Order) -> Order:
    """The customer confirms a prepared (draft) replenishment order: it is placed now."""
    if actor is not None and not selectors.may_order_for(actor, order.site):
        raise Http404
    with transaction.atomic():
        updated = Order.objects.filter(pk=order.pk, status=OrderStatus.DRAFT).update(
            status=OrderStatus.PLACED, placed_at=timezone.now(), version=order.version + 1)
        if not updated:
            raise InvalidTransitionError(_("Only a draft can be confirmed."))
        order.refresh_from_db()
        _placed(order, actor=actor)
    return order


# The ERP moves an order forward only; a repeated report of the same state changes nothing.
FULFILMENT_STEPS: dict[str, set[str]] = {
    OrderStatus.PLACED: {OrderStatus.ACKNOWLEDGED, OrderStatus.SHIPPED, OrderStatus.INVOICED, OrderStatus.CANCELLED},
    OrderStatus.ACKNOWLEDGED: {OrderStatus.SHIPPED, OrderStatus.INVOICED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.INVOICED},
    OrderStatus.DRAFT: {OrderStatus.CANCELLED},
}


def order_fulfilment_update(
    *, actor: Any, order: Order, status: str, carrier: str = "", tracking_number: str = "",
    invoice_number: str = "", expected_version: int | None = None,
) -> Order:
    """Fulfilment reports: acknowledged, shipped (with tracking), invoiced, cancelled."""
    if status not in OrderStatus.values or status in {OrderStatus.DRAFT, OrderStatus.PLACED}:
        raise DomainValidationError.single("status", "invalid_choice", _("This status cannot be reported."))
    if status == order.status:
        return order
    if status not in FULFILMENT_STEPS.get(order.status, set()):
        raise InvalidTransitionError(_("An order that is %(current)s cannot become %(target)s.") % {
            "current": OrderStatus(order.status).label, "target": OrderStatus(status).label})
    if status == OrderStatus.SHIPPED and not tracking_number.strip():
        raise DomainValidationError.single("tracking_number", "required", _("Please give the tracking number."))
    if status == OrderStatus.INVOICED and not invoice_number.strip():
        raise DomainValidationError.single("invoice_number", "required", _("Please give the invoice number."))
    now = timezone.now()
    with transaction.atomic():
        current = Order.objects.select_for_update().get(pk=order.pk)
        if expected_version is not None and expected_version != current.version:
            raise ConflictError()
        if status not in FULFILMENT_STEPS.get(current.status, set()):
            raise InvalidTransitionError(_("The order changed meanwhile."))
        current.status = status
        current.version += 1
        fields = ["status", "version", "updated_at"]
        if status == OrderStatus.ACKNOWLEDGED:
            current.acknowledged_at = now
            fields.append("acknowledged_at")
        elif status == OrderStatus.SHIPPED:
            current.shipped_at, current.carrier, current.tracking_number = (
                now, carrier.strip()[:100], tracking_number.strip()[:100])
            fields += ["shipped_at", "carrier", "tracking_number"]
        elif status == OrderStatus.INVOICED:
            current.invoiced_at, current.invoice_number = now, invoice_number.strip()[:50]
            fields += ["invoiced_at", "invoice_number"]
        current.save(update_fields=fields)
        event_record(name=f"order.{status}", aggregate_type="order", aggregate_id=current.pk, actor=actor,
                     payload=_payload(current, tracking_number=current.tracking_number, carrier=current.carrier,
                                      invoice_number=current.invoice_number))
        _timeline(current, str(OrderStatus(status).label), actor=actor)
    return current


def order_problem_report(*, actor: Any, order: Order, cause: str, description: str) -> OrderProblem:
    """The customer reports a problem with an order: a concern for the service desk, linked to it."""
    if cause not in OrderProblem.Cause.values:
        raise DomainValidationError.single("cause", "invalid_choice", _("Please choose what went wrong."))
    label = OrderProblem.Cause(cause).label
    with transaction.atomic():
        concern = concern_intake(data=ConcernIntake(
            channel=Interaction.Channel.PORTAL, subject=f"{order.number}: {label}"[:300],
            body=description or str(label), customer=order.customer, site=order.site,
            contact_name=getattr(actor, "display_name", ""), contact_email=getattr(actor, "email", ""),
            raised_by=actor if getattr(actor, "pk", None) else None, language=getattr(actor, "language", "") or "",
        ), actor=None)
        problem = OrderProblem.objects.create(order=order, cause=cause, concern=concern,
                                              reported_by=actor if getattr(actor, "pk", None) else None)
        event_record(name="order.problem_reported", aggregate_type="order", aggregate_id=order.pk, actor=actor,
                     payload=_payload(order, cause=cause, concern_id=concern.pk))
    return problem


# --- Replenishment ----------------------------------------------------------------------------


def _replenish(rule: ReplenishmentRule, *, level: Decimal, what: str) -> Order | None:
    """One order for the rule while none is open; the database refuses a second open one."""
    if Order.objects.filter(replenishment_rule=rule, status__in=OPEN_ORDER_STATES).exists():
        return None
    reason = _("%(what)s is at %(level)s, below %(threshold)s: %(quantity)d × %(product)s") % {
        "what": what, "level": level.normalize(), "threshold": rule.threshold.normalize(),
        "quantity": rule.order_quantity, "product": rule.product.name}
    status = OrderStatus.PLACED if rule.mode == ReplenishmentRule.Mode.AUTOMATIC else OrderStatus.DRAFT
    try:
        with transaction.atomic():
            order = order_place(
                actor=None, site=rule.site, lines=[LineInput(sku=rule.product.sku, quantity=rule.order_quantity)],
                source=Order.Source.REPLENISHMENT, status=status, replenishment_rule=rule, reason=reason,
            )
            transaction.on_commit(lambda: _notice(order.pk))
            return order
    except IntegrityError:
        return None  # another reading placed it a moment ago
    except DomainValidationError:
        # The product went inactive or the site closed: nothing to order; the rule stays for a person.
        return None


def _notice(order_id: int) -> None:
    from kundennah.commerce.tasks import replenishment_notice_task

    replenishment_notice_task(order_id)


def device_reading_record(*, device: Device, level: Decimal, measured_at: dt.datetime | None = None) -> Order | None:
    """Store a device's level; below a rule's threshold, that rule orders (once while one is open)."""
    when = measured_at or timezone.now()
    DeviceReading.objects.create(device=device, level=level, measured_at=when)
    Device.objects.filter(pk=device.pk).update(last_level=level, last_reading_at=when)
    placed = None
    for rule in ReplenishmentRule.objects.filter(device=device, active=True).select_related("product", "site"):
        if level < rule.threshold:
            placed = _replenish(rule, level=level, what=device.name) or placed
    return placed


def stock_count_record(*, actor: Any, site: Site, product: Product, quantity: Decimal) -> Order | None:
    """A counted stock; below a stock rule's minimum, that rule orders (once while one is open)."""
    if quantity < 0:
        raise DomainValidationError.single("quantity", "invalid_quantity", _("A stock cannot be negative."))
    StockCount.objects.create(site=site, product=product, quantity=quantity,
                              reported_by=actor if getattr(actor, "pk", None) else None)
    placed = None
    rules = ReplenishmentRule.objects.filter(site=site, product=product, device__isnull=True, active=True)
    for rule in rules.select_related("product", "site"):
        if quantity < rule.threshold:
            what = _("Stock of %(product)s") % {"product": product.name}
            placed = _replenish(rule, level=quantity, what=what) or placed
    return placed


def replenishment_rule_mode_set(*, actor: Any, rule: ReplenishmentRule, mode: str, active: bool = True
                                ) -> ReplenishmentRule:
    """The customer decides per rule: order automatically, or prepare an order to confirm (or pause it)."""
    if actor is not None and not selectors.may_order_for(actor, rule.site):
        raise Http404
    if mode not in ReplenishmentRule.Mode.values:
        raise DomainValidationError.single("mode", "invalid_choice", _("Please choose how to reorder."))
    with transaction.atomic():
        ReplenishmentRule.objects.filter(pk=rule.pk).update(mode=mode, active=active)
        event_record(name="replenishment.rule_changed", aggregate_type="site", aggregate_id=rule.site_id,
                     actor=actor if getattr(actor, "pk", None) else None,
                     payload={"rule_id": rule.pk, "mode": mode, "active": active})
    rule.mode, rule.active = mode, active
    return rule


# --- Order templates --------------------------------------------------------------------------


def _template_name(name: str) -> str:
    cleaned = " ".join(name.split())[:100]
    if not cleaned:
        raise DomainValidationError.single("name", "required", _("Please give the template a name."))
    return cleaned


def order_template_save(*, actor: Any, site: Site, name: str, quantities: dict[str, int]) -> OrderTemplate:
    """Save quantities (SKU → number) as the site's template ``name``; the same name is replaced.

    Only what may be ordered now is kept (active products, quantities above zero); prices are
    never stored: an order started from a template is priced when it is placed.
    """
    if actor is not None and not selectors.may_order_for(actor, site):
        raise Http404
    cleaned = _template_name(name)
    wanted = {sku: quantity for sku, quantity in quantities.items() if quantity > 0}
    if any(quantity > MAX_QUANTITY for quantity in wanted.values()):
        raise DomainValidationError.single("lines", "invalid_quantity", _(
            "At most %(count)d per line; please call us for larger orders.") % {"count": MAX_QUANTITY})
    products = {p.sku: p for p in Product.objects.filter(sku__in=list(wanted), active=True)}
    lines = [(products[sku], quantity) for sku, quantity in wanted.items() if sku in products]
    if not lines:
        raise DomainValidationError.single("lines", "required",
                                           _("Please enter at least one quantity to save as a template."))
    with transaction.atomic():
        template, created = OrderTemplate.objects.select_for_update().get_or_create(
            site=site, name=cleaned, defaults={"created_by": actor if getattr(actor, "pk", None) else None})
        template.lines.all().delete()
        OrderTemplateLine.objects.bulk_create([OrderTemplateLine(template=template, product=product, quantity=quantity)
                                               for product, quantity in lines])
        event_record(name="order_template.saved", aggregate_type="site", aggregate_id=site.pk,
                     actor=actor if getattr(actor, "pk", None) else None,
                     payload={"template_id": template.pk, "name": cleaned, "created": created,
                              "lines": [{"sku": product.sku, "quantity": quantity} for product, quantity in lines]})
    return template


def order_template_rename(*, actor: Any, template: OrderTemplate, name: str) -> OrderTemplate:
    if actor is not None and not selectors.may_order_for(actor, template.site):
        raise Http404
    cleaned = _template_name(name)
    if cleaned == template.name:
        return template
    if OrderTemplate.objects.filter(site_id=template.site_id, name=cleaned).exclude(pk=template.pk).exists():
        raise DomainValidationError.single("name", "duplicate",
                                           _("This site already has a template with this name."))
    with transaction.atomic():
        try:
            OrderTemplate.objects.filter(pk=template.pk).update(name=cleaned)
        except IntegrityError:
            raise DomainValidationError.single("name", "duplicate",
                                               _("This site already has a template with this name.")) from None
        event_record(name="order_template.renamed", aggregate_type="site", aggregate_id=template.site_id,
                     actor=actor if getattr(actor, "pk", None) else None,
                     payload={"template_id": template.pk, "old_name": template.name, "name": cleaned})
    template.name = cleaned
    return template


def order_template_delete(*, actor: Any, template: OrderTemplate) -> None:
    if actor is not None and not selectors.may_order_for(actor, template.site):
        raise Http404
    with transaction.atomic():
        event_record(name="order_template.deleted", aggregate_type="site", aggregate_id=template.site_id,
                     actor=actor if getattr(actor, "pk", None) else None,
                     payload={"template_id": template.pk, "name": template.name})
        OrderTemplate.objects.filter(pk=template.pk).delete()
