"""Catalogue, prices, orders for sites, what contacts may do per site, and replenishment.

An order copies what its site says at the moment it is placed (delivery and invoice address,
payment method, the masked IBAN and the mandate): later edits of the site never change an order
that was placed, and nothing on an order is ever typed by the customer.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VatRate(models.TextChoices):
    STANDARD = "19.00", _("19 % (standard)")
    REDUCED = "7.00", _("7 % (reduced)")


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=30, default="Stück")
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2, choices=[
        (Decimal(value), label) for value, label in VatRate.choices], default=Decimal("19.00"))
    list_price = models.DecimalField(_("list price (net)"), max_digits=14, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), default=1,
                                               validators=[MinValueValidator(1)])
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class PriceList(models.Model):
    """A customer's own prices: fixed prices per product, else a discount on the list price."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="price_list",
                                    verbose_name=_("customer"))
    name = models.CharField(_("name"), max_length=200)
    discount_percent = models.DecimalField(_("discount on list prices (%)"), max_digits=5, decimal_places=2,
                                           default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")

    def __str__(self) -> str:
        return self.name


class PriceListEntry(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_entries",
                                verbose_name=_("product"))
    price = models.DecimalField(_("price (net)"), max_digits=14, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0"))])
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        constraints = [models.UniqueConstraint(fields=["price_list", "product"], name="price_entry_once")]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.price}"


class PortalRight(models.Model):
    """What a customer contact may do in the portal, for one site or (site empty) for all sites."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_rights",
                             verbose_name=_("contact"))
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="portal_rights",
                                 verbose_name=_("customer"))
    site = models.ForeignKey("customers.Site", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="portal_rights", verbose_name=_("site"),
                             help_text=_("Empty: all sites of the customer (central purchasing)."))
    can_order = models.BooleanField(_("may order"), default=True)
    can_see_invoices = models.BooleanField(_("may see invoices"), default=False)
    can_manage_addresses = models.BooleanField(_("may manage addresses and bank accounts"), default=False)
    can_manage_users = models.BooleanField(_("may manage users of the organisation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("portal right")
        verbose_name_plural = _("portal rights")
        constraints = [
            models.UniqueConstraint(fields=["user", "site"], name="portal_right_once_per_site"),
            models.UniqueConstraint(fields=["user"], condition=Q(site__isnull=True), name="portal_right_once_for_all"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.site_id or '*'}"


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft, to be confirmed")
    PLACED = "placed", _("Placed")
    ACKNOWLEDGED = "acknowledged", _("Confirmed by fulfilment")
    SHIPPED = "shipped", _("Shipped")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


# A replenishment order counts as open until it is invoiced or cancelled: while one is open, no
# reading, however low or however often, starts another.
OPEN_ORDER_STATES = (OrderStatus.DRAFT, OrderStatus.PLACED, OrderStatus.ACKNOWLEDGED, OrderStatus.SHIPPED)


class PaymentMethod(models.TextChoices):
    SEPA = "sepa", _("SEPA direct debit")
    INVOICE = "invoice", _("Invoice")


class Order(models.Model):
    class Source(models.TextChoices):
        PORTAL = "portal", _("Portal")
        API = "api", _("API")
        REPLENISHMENT = "replenishment", _("Automatic replenishment")

    number = models.CharField(_("order number"), max_length=20, unique=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders",
                                 verbose_name=_("customer"))
    site = models.ForeignKey("customers.Site", on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("site"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="orders_placed", verbose_name=_("placed by"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PORTAL)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    customer_reference = models.CharField(_("your order reference"), max_length=50, blank=True)
    # What the site said when the order was placed (multi-line addresses as printed).
    site_name = models.CharField(_("site name"), max_length=200)
    delivery_address = models.TextField(_("delivery address"))
    invoice_address = models.TextField(_("invoice address"))
    invoice_email = models.EmailField(_("invoice email"), blank=True)
    payment_method = models.CharField(_("payment"), max_length=10, choices=PaymentMethod.choices)
    bank_account = models.ForeignKey("customers.BankAccount", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="orders")
    iban_masked = models.CharField(_("IBAN"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=200, blank=True)
    mandate_reference = models.CharField(_("SEPA mandate reference"), max_length=35, blank=True)
    currency = models.CharField(max_length=3, default="EUR")
    net_total = models.DecimalField(_("net"), max_digits=14, decimal_places=2)
    vat_total = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)
    gross_total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    # Fulfilment (the ERP reports back through the API).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    invoiced_at = models.DateTimeField(null=True, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=50, blank=True)
    replenishment_rule = models.ForeignKey("ReplenishmentRule", null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="orders")
    reason = models.CharField(_("why"), max_length=300, blank=True)  # replenishment: what triggered it
    # The portal's one-time submission id: a double click places one order.
    submission_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    placed_at = models.DateTimeField(_("placed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["replenishment_rule"], condition=Q(status__in=["draft", "placed", "acknowledged", "shipped"]),
                name="order_one_open_per_replenishment_rule"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="order_customer_idx"),
            models.Index(fields=["site", "-created_at"], name="order_site_idx"),
            models.Index(fields=["status", "created_at"], name="order_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    sku = models.CharField(_("SKU"), max_length=50)
    name = models.CharField(_("product"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price (net)"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=4, decimal_places=2)
    net_amount = models.DecimalField(_("net"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(_("VAT"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="order_line_position_once")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderTemplate(models.Model):
    """A saved basket for one site ("monthly office supplies")."""

    site = models.ForeignKey("customers.Site", on_delete=models.CASCADE, related_name="order_templates")
    name = models.CharField(_("name"), max_length=100)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order template")
        verbose_name_plural = _("order templates")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="order_template_name_per_site")]

    def __str__(self) -> str:
        return self.name


class OrderTemplateLine(models.Model):
    template = models.ForeignKey(OrderTemplate, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class OrderProblem(models.Model):
    """A problem the customer reported with an order; the concern is where it is handled."""

    class Cause(models.TextChoices):
        WRONG_ADDRESS = "wrong_address", _("Wrong address")
        WRONG_AMOUNT = "wrong_amount", _("Wrong amount")
        WRONG_ACCOUNT = "wrong_account", _("Wrong account debited")
        WRONG_ITEM = "wrong_item", _("Wrong item")
        DAMAGED = "damaged", _("Damaged")
        LATE = "late", _("Late")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="problems")
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    concern = models.OneToOneField("service.Concern", on_delete=models.PROTECT, related_name="order_problem")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("order problem")
        verbose_name_plural = _("order problems")
        indexes = [models.Index(fields=["created_at", "cause"], name="order_problem_month_idx")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.cause}"


class Device(models.Model):
    """A machine at a site that reports a level (a printer's toner, a tank's fill level in %)."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="devices")
    site = models.ForeignKey("customers.Site", on_delete=models.CASCADE, related_name="devices",
                             verbose_name=_("site"))
    name = models.CharField(_("name"), max_length=200)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    last_level = models.DecimalField(_("last level"), max_digits=7, decimal_places=2, null=True, blank=True)
    last_reading_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return self.name


class DeviceReading(models.Model):
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    level = models.DecimalField(max_digits=7, decimal_places=2)
    measured_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["device", "-measured_at"], name="reading_device_idx")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.level}"


class ReplenishmentRule(models.Model):
    """Keep a product available at a site: by a device's level, or by a counted stock."""

    class Mode(models.TextChoices):
        AUTOMATIC = "automatic", _("Order automatically")
        DRAFT = "draft", _("Prepare an order for me to confirm")

    site = models.ForeignKey("customers.Site", on_delete=models.CASCADE, related_name="replenishment_rules",
                             verbose_name=_("site"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    device = models.ForeignKey(Device, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="replenishment_rules", verbose_name=_("device"))
    threshold = models.DecimalField(_("order below"), max_digits=9, decimal_places=2,
                                    help_text=_("Device level (e.g. 15 for 15 %) or stock count."))
    order_quantity = models.PositiveIntegerField(_("quantity to order"), validators=[MinValueValidator(1)])
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.DRAFT)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("replenishment rule")
        verbose_name_plural = _("replenishment rules")

    def __str__(self) -> str:
        return f"{self.site_id}: {self.product_id} < {self.threshold}"


class StockCount(models.Model):
    """A counted stock of a product at a site, reported by the customer or the ERP."""

    site = models.ForeignKey("customers.Site", on_delete=models.CASCADE, related_name="stock_counts")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=2)
    counted_at = models.DateTimeField(default=timezone.now)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        indexes = [models.Index(fields=["site", "product", "-counted_at"], name="stock_count_idx")]

    def __str__(self) -> str:
        return f"{self.site_id}: {self.product_id} = {self.quantity}"
