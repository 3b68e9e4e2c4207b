"""Demo orders: a catalogue, Bäckerei Sonnenkorn's prices and central purchasing, orders for its
sites in every state, a printer that orders its own toner, and one reported problem."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import User
from kundennah.commerce.models import (
    Device,
    Order,
    OrderStatus,
    PortalRight,
    PriceList,
    PriceListEntry,
    Product,
    ReplenishmentRule,
)
from kundennah.commerce.pricing import LineInput
from kundennah.commerce.services import (
    device_reading_record,
    order_fulfilment_update,
    order_place,
    order_problem_report,
)
from kundennah.core.events import event_record
from kundennah.core.models import Event
from kundennah.customers.models import Customer, Site

COMMERCE_DEMO_EVENT = "demo.commerce_loaded"

# sku, name, unit, VAT, list price (net), minimum quantity
PRODUCTS = [
    ("MEHL-550-25", "Weizenmehl Type 550, 25 kg", "Sack", "7.00", "18.90", 4),
    ("MEHL-1050-25", "Weizenmehl Type 1050, 25 kg", "Sack", "7.00", "21.40", 2),
    ("ROGG-1150-25", "Roggenmehl Type 1150, 25 kg", "Sack", "7.00", "23.80", 2),
    ("HEFE-500", "Frischhefe, 500 g", "Block", "7.00", "1.35", 10),
    ("BACKP-500", "Backpapier 40 × 60 cm, 500 Blatt", "Karton", "19.00", "34.50", 1),
    ("TUETE-S-1000", "Bäckertüten klein, 1.000 Stück", "Karton", "19.00", "27.90", 1),
    ("KAFF-BOHNE-1", "Kaffeebohnen Crema, 1 kg", "Beutel", "7.00", "16.20", 2),
    ("REIN-OFEN-5", "Ofenreiniger, 5 l", "Kanister", "19.00", "29.95", 1),
    ("TONER-HP-59A", "Toner schwarz HP 59A", "Stück", "19.00", "89.00", 1),
    ("KASSE-ROLLE-50", "Kassenrollen 57 mm, 50 Stück", "Karton", "19.00", "19.50", 1),
]


def commerce_demo_loaded() -> bool:
    return Event.objects.filter(name=COMMERCE_DEMO_EVENT).exists()


def commerce_demo_load() -> int:
    """Write the demo orders once; returns how many orders were written (0 when already there)."""
    bakery = Customer.objects.filter(name="Bäckerei Sonnenkorn").first()
    buyer = User.objects.filter(username="einkauf").first()
    agent = User.objects.filter(username="agent").first()
    if bakery is None or buyer is None or commerce_demo_loaded():
        return 0
    sites = list(Site.objects.filter(organisation=bakery, is_active=True).order_by("id"))
    if len(sites) < 2:
        return 0
    with transaction.atomic():
        products = {}
        for sku, name, unit, vat, price, minimum in PRODUCTS:
            products[sku], _created = Product.objects.get_or_create(sku=sku, defaults={
                "name": name, "unit": unit, "vat_rate": Decimal(vat), "list_price": Decimal(price),
                "min_quantity": minimum})
        price_list, _created = PriceList.objects.get_or_create(
            customer=bakery, defaults={"name": "Rahmenvertrag Sonnenkorn 2026", "discount_percent": Decimal("5")})
        PriceListEntry.objects.get_or_create(price_list=price_list, product=products["MEHL-550-25"],
                                             defaults={"price": Decimal("16.50")})
        buyer.customer = bakery
        buyer.email = "einkauf@baeckerei-sonnenkorn.de"
        buyer.save(update_fields=["customer", "email"])
        PortalRight.objects.get_or_create(user=buyer, site=None, defaults={
            "customer": bakery, "can_order": True, "can_see_invoices": True, "can_manage_addresses": True,
            "can_manage_users": True})
        baskets = [
            (sites[0], [("MEHL-550-25", 20), ("HEFE-500", 40), ("BACKP-500", 2)], OrderStatus.INVOICED),
            (sites[1], [("MEHL-1050-25", 6), ("TUETE-S-1000", 3)], OrderStatus.SHIPPED),
            (sites[2 % len(sites)], [("ROGG-1150-25", 4), ("KAFF-BOHNE-1", 6)], OrderStatus.ACKNOWLEDGED),
            (sites[0], [("REIN-OFEN-5", 2), ("KASSE-ROLLE-50", 1)], OrderStatus.PLACED),
        ]
        written = 0
        for number, (site, lines, status) in enumerate(baskets, start=1):
            order = order_place(actor=buyer, site=site, lines=[LineInput(sku, qty) for sku, qty in lines],
                                customer_reference=f"SK-2026-{number:03d}", submission_key=f"demo-order-{number}")
            written += 1
            if status in (OrderStatus.ACKNOWLEDGED, OrderStatus.SHIPPED, OrderStatus.INVOICED):
                order = order_fulfilment_update(actor=agent, order=order, status=OrderStatus.ACKNOWLEDGED)
            if status in (OrderStatus.SHIPPED, OrderStatus.INVOICED):
                order = order_fulfilment_update(actor=agent, order=order, status=OrderStatus.SHIPPED, carrier="DHL",
                                                tracking_number=f"0034043416{number:010d}")
            if status == OrderStatus.INVOICED:
                order = order_fulfilment_update(actor=agent, order=order, status=OrderStatus.INVOICED,
                                                invoice_number=f"RE-2026-{4100 + number}")
            # Spread the history over the last weeks.
            when = timezone.now() - dt.timedelta(days=7 * (len(baskets) - number) + 2)
            Order.objects.filter(pk=order.pk).update(created_at=when, placed_at=when)
        shipped = Order.objects.filter(customer=bakery, status=OrderStatus.SHIPPED).first()
        if shipped is not None:
            order_problem_report(actor=buyer, order=shipped, cause="damaged",
                                 description="Zwei Kartons Bäckertüten kamen durchnässt an.")
        printer = Device.objects.create(customer=bakery, site=sites[0], name="Drucker Backstube",
                                        serial="HP-M404-7731")
        ReplenishmentRule.objects.create(site=sites[0], product=products["TONER-HP-59A"], device=printer,
                                         threshold=Decimal("15"), order_quantity=1,
                                         mode=ReplenishmentRule.Mode.DRAFT, created_by=buyer)
        device_reading_record(device=printer, level=Decimal("42"))
        if device_reading_record(device=printer, level=Decimal("11")) is not None:
            written += 1
        event_record(name=COMMERCE_DEMO_EVENT, aggregate_type="demo", aggregate_id="commerce",
                     payload={"orders": written})
    return written
