"""API v1 for the catalogue, orders (placement, fulfilment, export), devices and stock counts.

Each endpoint reads through the commerce selectors or calls one commerce service. The ERP is an
API user of the staff side: it places orders for customers' sites, acknowledges, ships and
invoices them, and pulls what is new as JSON or CSV; subscriptions to ``order.*`` events
(``POST /api/v1/webhooks``) push the same signed.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AwareDatetime

from kundennah.commerce import selectors, services
from kundennah.commerce.models import Device, Order, PriceList, Product
from kundennah.commerce.pricing import LineInput, unit_prices
from kundennah.commerce.schemas import (
    CustomerPriceOut,
    DeviceIn,
    DeviceOut,
    FulfilmentIn,
    OrderCreateIn,
    OrderListOut,
    OrderOut,
    PriceListOut,
    ProductListOut,
    ProductOut,
    ReadingIn,
    ReadingOut,
    StockCountIn,
    StockCountOut,
)
from kundennah.core.api import ERRORS_READ, ERRORS_WRITE, ErrorOut, IdempotencyKey, IfMatch
from kundennah.core.csvsafe import csv_write
from kundennah.core.errors import ErrorCollector
from kundennah.core.idempotency import idempotent_create
from kundennah.core.permissions import require_perm
from kundennah.customers import selectors as customer_selectors
from kundennah.customers.models import Site
from kundennah.customers.schemas import etag, version_of

products_router = Router(tags=["catalogue"])
price_lists_router = Router(tags=["catalogue"])
orders_router = Router(tags=["orders"])
devices_router = Router(tags=["devices"])
stock_router = Router(tags=["devices"])

READ = {**ERRORS_READ, 422: ErrorOut}
WRITE = ERRORS_WRITE



def _order_url(request: HttpRequest, order_id: int) -> str:
    return request.build_absolute_uri(reverse("api-v1:order_detail", kwargs={"order_id": order_id}))


def _order_out(request: HttpRequest, order: Order, response: HttpResponse | None = None) -> OrderOut:
    body = OrderOut.of(order, _order_url(request, order.pk))
    if response is not None:
        response["ETag"] = etag(order.version)
    return body


# --- Catalogue --------------------------------------------------------------------------------


class ProductQuery(Schema):
    q: str = Field("", max_length=100, description="Part of the SKU or name")
    include_inactive: bool = False
    cursor: str | None = Field(None, max_length=50, description="next_cursor of the previous page")
    limit: int = Field(100, ge=1, le=500)


@products_router.get("", response={200: ProductListOut, **READ}, summary="The catalogue")
def product_list(request: HttpRequest, filters: Query[ProductQuery]) -> ProductListOut:
    products = Product.objects.all() if filters.include_inactive else selectors.catalogue()
    if filters.q.strip():
        text = filters.q.strip()
        products = products.filter(sku__icontains=text) | products.filter(name__icontains=text)
    if filters.cursor:
        products = products.filter(sku__gt=filters.cursor)
    page = list(products.order_by("sku")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return ProductListOut(items=[ProductOut.of(p) for p in page], next_cursor=page[-1].sku if more else None)


@products_router.get("/{sku}", response={200: ProductOut, **READ})
def product_detail(request: HttpRequest, sku: str) -> ProductOut:
    product = Product.objects.filter(sku=sku).first()
    if product is None:
        raise Http404
    return ProductOut.of(product)


@price_lists_router.get("/{customer_id}", response={200: PriceListOut, **READ},
                        summary="A customer's prices for every active product")
def price_list_detail(request: HttpRequest, customer_id: int) -> PriceListOut:
    require_perm(request.user, "commerce.view_order")
    customer = customer_selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    price_list = PriceList.objects.filter(customer=customer).prefetch_related("entries").first()
    products = list(selectors.catalogue())
    prices = unit_prices(customer_id=customer.pk, products=products)
    own = {entry.product_id for entry in price_list.entries.all()} if price_list else set()
    discount = price_list.discount_percent if price_list else Decimal("0")

    def source(product: Product) -> Literal["price_list", "discount", "list_price"]:
        if product.pk in own:
            return "price_list"
        return "discount" if discount else "list_price"

    return PriceListOut(
        customer_id=customer.pk, name=price_list.name if price_list else "", discount_percent=str(discount),
        currency="EUR", prices=[CustomerPriceOut(sku=p.sku, price=str(prices[p.pk][0]), min_quantity=prices[p.pk][1],
                                                 source=source(p)) for p in products],
    )


# --- Orders -----------------------------------------------------------------------------------


def _site_of(request: HttpRequest, payload: OrderCreateIn) -> Site:
    errors = ErrorCollector()
    customer = None
    try:
        customer = customer_selectors.customer_get_for_user(user=request.user, customer_id=payload.customer_id)
    except Http404:
        errors.add("customer_id", "unknown_customer", _("There is no customer with this id."))
    errors.raise_if_any()
    site = Site.objects.filter(pk=payload.site_id, organisation=customer).select_related("bank_account").first()
    if site is None:
        errors.add("site_id", "foreign_site", _("This site does not belong to the customer."))
    errors.raise_if_any()
    assert site is not None
    return site


@orders_router.post("", response={201: OrderOut, **WRITE}, summary="Place an order for a customer's site")
def order_create(
    request: HttpRequest, payload: OrderCreateIn, response: HttpResponse, idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    """Prices, VAT and totals are computed here; addresses, payment and IBAN come from the site.
    Prices or totals in the request are refused (422), never used."""
    require_perm(request.user, "commerce.place_order")
    created: dict[int, Order] = {}

    def place() -> int:
        order = services.order_place(
            actor=request.user, site=_site_of(request, payload), source=Order.Source.API,
            lines=[LineInput(sku=line.sku, quantity=line.quantity) for line in payload.lines],
            customer_reference=payload.customer_reference,
        )
        created[order.pk] = order
        return order.pk

    result = idempotent_create(user=request.user, key=idempotency_key, body=payload.model_dump(mode="json"),
                               id_field="order_id", namespace="orders", create=place)
    if isinstance(result, ErrorOut):
        return Status(422, result)
    order = created.get(result) or selectors.order_get_for_user(user=request.user, order_id=result)
    body = _order_out(request, order, response)
    response["Location"] = body.url
    return Status(201, body)


class OrderQuery(Schema):
    status: str | None = Field(None, max_length=20)
    customer_id: int | None = Field(None, ge=1)
    site_id: int | None = Field(None, ge=1)
    since: AwareDatetime | None = Field(None, description="Placed at or after")
    cursor: int | None = Field(None, ge=1)
    limit: int = Field(50, ge=1, le=200)


@orders_router.get("", response={200: OrderListOut, **READ}, summary="Orders the caller may see")
def order_list(request: HttpRequest, filters: Query[OrderQuery]) -> OrderListOut:
    """Newest first; pass ``next_cursor`` as ``cursor`` for the next page."""
    orders = selectors.orders_visible_to(request.user).prefetch_related("lines")
    exact = {"status": filters.status, "customer_id": filters.customer_id, "site_id": filters.site_id}
    orders = orders.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.since is not None:
        orders = orders.filter(placed_at__gte=filters.since)
    if filters.cursor is not None:
        orders = orders.filter(id__lt=filters.cursor)
    page = list(orders.order_by("-id")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return OrderListOut(items=[_order_out(request, o) for o in page], next_cursor=page[-1].pk if more else None)


class ExportQuery(Schema):
    status: str | None = Field("placed", max_length=20, description="Default: placed and not yet acknowledged")
    since: AwareDatetime | None = None
    limit: int = Field(1000, ge=1, le=10_000)


EXPORT_HEADER = ["number", "status", "placed_at", "customer_id", "site_id", "site_name", "delivery_address",
                 "invoice_address", "payment_method", "iban_masked", "mandate_reference", "customer_reference",
                 "position", "sku", "name", "quantity", "unit", "unit_price", "vat_rate", "net_amount", "currency"]


def _to_fulfil(request: HttpRequest, filters: ExportQuery) -> list[Order]:
    require_perm(request.user, "commerce.view_order")
    orders = selectors.orders_visible_to(request.user).prefetch_related("lines")
    if filters.status:
        orders = orders.filter(status=filters.status)
    if filters.since is not None:
        orders = orders.filter(placed_at__gte=filters.since)
    return list(orders.order_by("placed_at", "id")[: filters.limit])


@orders_router.get("/export", response={200: list[OrderOut], **READ}, summary="Orders for fulfilment")
def order_export(request: HttpRequest, filters: Query[ExportQuery]) -> list[OrderOut]:
    """What fulfilment has to do: by default every placed order not yet acknowledged, oldest first."""
    return [_order_out(request, o) for o in _to_fulfil(request, filters)]


CSV_ANSWER = {"responses": {"200": {"description": "One row per order line, formula-safe (UTF-8, ';')",
                                    "content": {"text/csv": {"schema": {"type": "string"}}}}}}


@orders_router.get("/export.csv", response=READ, summary="Orders for fulfilment as CSV", openapi_extra=CSV_ANSWER)
def order_export_csv(request: HttpRequest, filters: Query[ExportQuery]) -> HttpResponse:
    """The same as ``/orders/export``, one row per order line, for spreadsheets and file imports."""
    page = _to_fulfil(request, filters)
    buffer = io.BytesIO()
    rows = (
        [o.number, o.status, timezone.localtime(o.placed_at).isoformat() if o.placed_at else "", o.customer_id,
         o.site_id, o.site_name, " / ".join(o.delivery_address.splitlines()),
         " / ".join(o.invoice_address.splitlines()), o.payment_method, o.iban_masked, o.mandate_reference,
         o.customer_reference, line.position, line.sku, line.name, line.quantity, line.unit, line.unit_price,
         line.vat_rate, line.net_amount, o.currency]
        for o in page for line in o.lines.all()
    )
    csv_write(buffer, EXPORT_HEADER, rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="orders-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@orders_router.get("/{order_id}", response={200: OrderOut, **READ}, url_name="order_detail")
def order_detail(request: HttpRequest, order_id: int, response: HttpResponse) -> OrderOut:
    return _order_out(request, selectors.order_get_for_user(user=request.user, order_id=order_id), response)




@orders_router.post("/{order_id}/status", response={200: OrderOut, **WRITE}, summary="Fulfilment reports progress")
def order_status(request: HttpRequest, order_id: int, payload: FulfilmentIn, response: HttpResponse,
                 if_match: IfMatch = None) -> OrderOut:
    """``acknowledged``, ``shipped`` (with ``tracking_number``), ``invoiced`` (with ``invoice_number``) or
    ``cancelled``; only forwards (409 with the reason otherwise). Reporting the current status again
    changes nothing."""
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    require_perm(request.user, "commerce.update_fulfilment")
    updated = services.order_fulfilment_update(
        actor=request.user, order=order, status=payload.status, carrier=payload.carrier,
        tracking_number=payload.tracking_number, invoice_number=payload.invoice_number,
        expected_version=version_of(if_match, payload.version),
    )
    return _order_out(request, updated, response)


# --- Devices and stock ------------------------------------------------------------------------


@devices_router.get("", response={200: list[DeviceOut], **READ}, summary="Devices of a customer")
def device_list(request: HttpRequest, customer_id: int) -> list[DeviceOut]:
    require_perm(request.user, "commerce.record_readings")
    customer = customer_selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    return [DeviceOut.of(d) for d in Device.objects.filter(customer=customer).order_by("id")[:1000]]


@devices_router.post("", response={201: DeviceOut, **WRITE}, summary="Register a device at a site")
def device_create(request: HttpRequest, payload: DeviceIn) -> Status[DeviceOut]:
    require_perm(request.user, "commerce.record_readings")
    customer = customer_selectors.customer_get_for_user(user=request.user, customer_id=payload.customer_id)
    site = Site.objects.filter(pk=payload.site_id, organisation=customer).first()
    if site is None:
        errors = ErrorCollector()
        errors.add("site_id", "foreign_site", _("This site does not belong to the customer."))
        errors.raise_if_any()
    assert site is not None
    device = Device.objects.create(customer=customer, site=site, name=payload.name.strip(),
                                   serial=payload.serial.strip())
    return Status(201, DeviceOut.of(device))


@devices_router.post("/{device_id}/readings", response={202: ReadingOut, **WRITE},
                     summary="A device reports its level")
def reading_create(request: HttpRequest, device_id: int, payload: ReadingIn) -> Status[ReadingOut]:
    """Below a replenishment rule's threshold this orders for the device's site — once: while that
    order is open, more low readings order nothing."""
    require_perm(request.user, "commerce.record_readings")
    device = Device.objects.filter(pk=device_id).first()
    if device is None:
        raise Http404
    measured = payload.measured_at
    if measured is not None and measured > timezone.now() + dt.timedelta(minutes=5):
        errors = ErrorCollector()
        errors.add("measured_at", "in_future", _("A reading cannot lie in the future."))
        errors.raise_if_any()
    order = services.device_reading_record(device=device, level=payload.level, measured_at=measured)
    return Status(202, ReadingOut(device_id=device.pk, level=str(payload.level),
                                  order=_order_out(request, order) if order else None))


@stock_router.post("", response={202: StockCountOut, **WRITE}, summary="Report a counted stock at a site")
def stock_count_create(request: HttpRequest, payload: StockCountIn) -> Status[StockCountOut]:
    require_perm(request.user, "commerce.record_readings")
    errors = ErrorCollector()
    site = Site.objects.filter(pk=payload.site_id).first()
    product = Product.objects.filter(sku=payload.sku.strip()).first()
    if site is None:
        errors.add("site_id", "unknown_site", _("There is no site with this id."))
    if product is None:
        errors.add("sku", "unknown_product", _("There is no product with this SKU."))
    errors.raise_if_any()
    assert site is not None and product is not None
    order = services.stock_count_record(actor=request.user, site=site, product=product, quantity=payload.quantity)
    return Status(202, StockCountOut(site_id=site.pk, sku=product.sku, quantity=str(payload.quantity),
                                     order=_order_out(request, order) if order else None))
