"""Catalogue, customer prices, devices, replenishment rules and portal rights in the admin.

Team leads and admins (``commerce.manage_catalogue``) keep them. Orders are read-only here: an
order changes only through its services (fulfilment through the API), so that the outbox, the
timeline and the customer see every change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kundennah.commerce.models import (
    Device,
    Order,
    OrderLine,
    PortalRight,
    PriceList,
    PriceListEntry,
    Product,
    ReplenishmentRule,
)
from kundennah.core.admin_access import RuleGatedAdmin

CATALOGUE = "commerce.manage_catalogue"


@admin.register(Product)
class ProductAdmin(RuleGatedAdmin):
    permission = CATALOGUE
    list_display = ("sku", "name", "unit", "vat_rate", "list_price", "min_quantity", "active")
    list_filter = ("active", "vat_rate")
    search_fields = ("sku", "name")


class PriceListEntryInline(admin.TabularInline):
    model = PriceListEntry
    extra = 1
    autocomplete_fields = ("product",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm(CATALOGUE))

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(PriceList)
class PriceListAdmin(RuleGatedAdmin):
    permission = CATALOGUE
    list_display = ("name", "customer", "discount_percent")
    search_fields = ("name", "customer__display_name")
    raw_id_fields = ("customer",)
    inlines = [PriceListEntryInline]


@admin.register(Device)
class DeviceAdmin(RuleGatedAdmin):
    permission = CATALOGUE
    list_display = ("name", "serial", "customer", "site", "last_level", "last_reading_at")
    search_fields = ("name", "serial")
    raw_id_fields = ("customer", "site")
    readonly_fields = ("last_level", "last_reading_at")


@admin.register(ReplenishmentRule)
class ReplenishmentRuleAdmin(RuleGatedAdmin):
    permission = CATALOGUE
    list_display = ("site", "product", "device", "threshold", "order_quantity", "mode", "active")
    list_filter = ("mode", "active")
    raw_id_fields = ("site", "device")
    autocomplete_fields = ("product",)


@admin.register(PortalRight)
class PortalRightAdmin(RuleGatedAdmin):
    permission = CATALOGUE
    list_display = ("user", "customer", "site", "can_order", "can_see_invoices", "can_manage_addresses",
                    "can_manage_users")
    list_filter = ("can_order", "can_manage_users")
    raw_id_fields = ("user", "customer", "site")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("position", "sku", "name", "quantity", "unit", "unit_price", "vat_rate", "net_amount", "vat_amount")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("commerce.view_order"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(RuleGatedAdmin):
    permission = "commerce.view_order"
    list_display = ("number", "customer", "site_name", "status", "source", "gross_total", "placed_at")
    list_filter = ("status", "source", "payment_method")
    search_fields = ("number", "customer_reference", "site_name")
    inlines = [OrderLineInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in Order._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
