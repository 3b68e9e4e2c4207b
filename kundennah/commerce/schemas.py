"""What the catalogue, order, device and stock endpoints take and give.

Amounts go out as decimal strings ("1234.50") with their currency, never as floats. Orders are
answered with what was copied from the site: both addresses, the payment method and the masked
IBAN, and the totals the server computed. Inputs forbid unknown fields, so a client that sends
its own prices or totals is told so (422) instead of being silently ignored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict

from kundennah.commerce.models import Device, Order, OrderLine, Product
from kundennah.core.schemas import Checked


class _In(Checked):
    model_config = ConfigDict(extra="forbid")


class ProductOut(Schema):
    sku: str
    name: str
    unit: str
    vat_rate: str
    list_price: str
    currency: str
    min_quantity: int
    active: bool

    @classmethod
    def of(cls, product: Product) -> ProductOut:
        return cls(sku=product.sku, name=product.name, unit=product.unit, vat_rate=str(product.vat_rate),
                   list_price=str(product.list_price), currency=product.currency,
                   min_quantity=product.min_quantity, active=product.active)


class ProductListOut(Schema):
    items: list[ProductOut]
    next_cursor: str | None


class CustomerPriceOut(Schema):
    sku: str
    price: str
    min_quantity: int
    source: Literal["price_list", "discount", "list_price"]


class PriceListOut(Schema):
    customer_id: int
    name: str
    discount_percent: str
    currency: str
    prices: list[CustomerPriceOut]


class OrderLineIn(_In):
    sku: str = Field(..., min_length=1, max_length=50)
    quantity: int = Field(..., description="Whole units, at least the product's minimum")


class OrderCreateIn(_In):
    customer_id: int = Field(..., ge=1)
    site_id: int = Field(..., ge=1)
    lines: list[OrderLineIn] = Field(..., max_length=200)
    customer_reference: str = Field("", max_length=50, description="The customer's own order reference")


class OrderLineOut(Schema):
    position: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_price: str
    vat_rate: str
    net_amount: str
    vat_amount: str

    @classmethod
    def of(cls, line: OrderLine) -> OrderLineOut:
        return cls(position=line.position, sku=line.sku, name=line.name, unit=line.unit, quantity=line.quantity,
                   unit_price=str(line.unit_price), vat_rate=str(line.vat_rate), net_amount=str(line.net_amount),
                   vat_amount=str(line.vat_amount))


class PaymentOut(Schema):
    method: str
    iban_masked: str
    account_holder: str
    mandate_reference: str


class OrderOut(Schema):
    id: int
    number: str
    status: str
    source: str
    customer_id: int
    site_id: int
    site_name: str
    customer_reference: str
    delivery_address: list[str]
    invoice_address: list[str]
    invoice_email: str
    payment: PaymentOut
    currency: str
    net_total: str
    vat_total: str
    gross_total: str
    lines: list[OrderLineOut]
    placed_at: dt.datetime | None
    carrier: str
    tracking_number: str
    invoice_number: str
    reason: str
    version: int
    url: str

    @classmethod
    def of(cls, order: Order, url: str, lines: list[OrderLine] | None = None) -> OrderOut:
        return cls(
            id=order.pk, number=order.number, status=order.status, source=order.source, customer_id=order.customer_id,
            site_id=order.site_id, site_name=order.site_name, customer_reference=order.customer_reference,
            delivery_address=order.delivery_address.splitlines(), invoice_address=order.invoice_address.splitlines(),
            invoice_email=order.invoice_email,
            payment=PaymentOut(method=order.payment_method, iban_masked=order.iban_masked,
                               account_holder=order.account_holder, mandate_reference=order.mandate_reference),
            currency=order.currency, net_total=str(order.net_total), vat_total=str(order.vat_total),
            gross_total=str(order.gross_total),
            lines=[OrderLineOut.of(line) for line in (lines if lines is not None else order.lines.all())],
            placed_at=timezone.localtime(order.placed_at) if order.placed_at else None, carrier=order.carrier,
            tracking_number=order.tracking_number, invoice_number=order.invoice_number, reason=order.reason,
            version=order.version, url=url,
        )


class OrderListOut(Schema):
    items: list[OrderOut]
    next_cursor: int | None


class FulfilmentIn(_In):
    status: Literal["acknowledged", "shipped", "invoiced", "cancelled"]
    carrier: str = Field("", max_length=100)
    tracking_number: str = Field("", max_length=100)
    invoice_number: str = Field("", max_length=50)
    version: int | None = Field(None, ge=1, description="The version you read (or send If-Match)")


class DeviceIn(_In):
    customer_id: int = Field(..., ge=1)
    site_id: int = Field(..., ge=1)
    name: str = Field(..., min_length=1, max_length=200)
    serial: str = Field("", max_length=100)


class DeviceOut(Schema):
    id: int
    customer_id: int
    site_id: int
    name: str
    serial: str
    last_level: str | None
    last_reading_at: dt.datetime | None

    @classmethod
    def of(cls, device: Device) -> DeviceOut:
        return cls(id=device.pk, customer_id=device.customer_id, site_id=device.site_id, name=device.name,
                   serial=device.serial, last_level=str(device.last_level) if device.last_level is not None else None,
                   last_reading_at=timezone.localtime(device.last_reading_at) if device.last_reading_at else None)


class ReadingIn(_In):
    level: Decimal = Field(..., ge=Decimal("-1000000"), le=Decimal("1000000"), max_digits=9, decimal_places=2)
    measured_at: AwareDatetime | None = None


class ReadingOut(Schema):
    device_id: int
    level: str
    order: OrderOut | None = Field(None, description="The replenishment order this reading started, if any")


class StockCountIn(_In):
    site_id: int = Field(..., ge=1)
    sku: str = Field(..., min_length=1, max_length=50)
    quantity: Decimal = Field(..., ge=Decimal("0"), le=Decimal("1000000000"), max_digits=14, decimal_places=2)


class StockCountOut(Schema):
    site_id: int
    sku: str
    quantity: str
    order: OrderOut | None = None
