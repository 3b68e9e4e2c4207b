"""Prices, VAT and totals, computed on the server from the catalogue and the customer's price list.

A total sent by a client is never read. Amounts are Decimal, rounded half-up to cents per line
(net and VAT), and the order's totals are the sums of its lines, so that every printed line adds
up to the printed total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from kundennah.commerce.models import PriceList, PriceListEntry, Product
from kundennah.core.errors import ErrorCollector

CENT = Decimal("0.01")
MAX_QUANTITY = 100_000
MAX_LINES = 200


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: int


@dataclass(frozen=True)
class PricedLine:
    product: Product
    quantity: int
    unit_price: Decimal
    vat_rate: Decimal
    net_amount: Decimal
    vat_amount: Decimal


@dataclass(frozen=True)
class Quote:
    lines: list[PricedLine]
    currency: str
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_prices(*, customer_id: int, products: list[Product]) -> dict[int, tuple[Decimal, int]]:
    """(net unit price, minimum quantity) per product id for this customer."""
    price_list = PriceList.objects.filter(customer_id=customer_id).first()
    entries: dict[int, PriceListEntry] = {}
    discount = Decimal("0")
    if price_list is not None:
        discount = price_list.discount_percent
        entries = {e.product_id: e for e in price_list.entries.filter(product__in=[p.pk for p in products])}
    prices = {}
    for product in products:
        entry = entries.get(product.pk)
        if entry is not None:
            prices[product.pk] = (entry.price, entry.min_quantity or product.min_quantity)
        else:
            price = _cents(product.list_price * (Decimal("100") - discount) / Decimal("100"))
            prices[product.pk] = (price, product.min_quantity)
    return prices


def quote(*, customer_id: int, lines: list[LineInput]) -> Quote:
    """Price ``lines`` for the customer; field errors name the line (``lines[2].quantity``)."""
    errors = ErrorCollector()
    if not lines:
        errors.add("lines", "required", _("Please add at least one product."))
    if len(lines) > MAX_LINES:
        errors.add("lines", "too_many", _("At most %(count)d lines per order.") % {"count": MAX_LINES})
    errors.raise_if_any()
    skus = {str(line.sku).strip() for line in lines}
    products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}
    prices = unit_prices(customer_id=customer_id, products=list(products.values()))
    priced: list[PricedLine] = []
    seen: set[str] = set()
    for index, line in enumerate(lines):
        field = f"lines[{index}]"
        sku = str(line.sku).strip()
        product = products.get(sku)
        if product is None:
            errors.add(f"{field}.sku", "unknown_product", _("There is no product with this SKU."))
            continue
        if not product.active:
            errors.add(f"{field}.sku", "inactive_product", _("This product can no longer be ordered."))
            continue
        if sku in seen:
            errors.add(f"{field}.sku", "duplicate_line", _("This product is on the order twice; change the quantity."))
            continue
        seen.add(sku)
        price, minimum = prices[product.pk]
        if not isinstance(line.quantity, int) or isinstance(line.quantity, bool) or line.quantity < 1:
            errors.add(f"{field}.quantity", "invalid_quantity", _("Please order at least one."))
            continue
        if line.quantity > MAX_QUANTITY:
            errors.add(f"{field}.quantity", "quantity_too_large",
                       _("At most %(count)d per line; please call us for larger orders.") % {"count": MAX_QUANTITY})
            continue
        if line.quantity < minimum:
            errors.add(f"{field}.quantity", "below_minimum",
                       _("The minimum quantity is %(count)d.") % {"count": minimum})
            continue
        net = _cents(price * line.quantity)
        vat = _cents(net * product.vat_rate / Decimal("100"))
        priced.append(PricedLine(product=product, quantity=line.quantity, unit_price=price,
                                 vat_rate=product.vat_rate, net_amount=net, vat_amount=vat))
    errors.raise_if_any()
    currencies = {line.product.currency for line in priced}
    if len(currencies) > 1:
        errors.add("lines", "mixed_currencies", _("Products in different currencies cannot share an order."))
        errors.raise_if_any()
    net_total = sum((line.net_amount for line in priced), Decimal("0"))
    vat_total = sum((line.vat_amount for line in priced), Decimal("0"))
    return Quote(lines=priced, currency=currencies.pop() if currencies else "EUR", net_total=net_total,
                 vat_total=vat_total, gross_total=net_total + vat_total)
