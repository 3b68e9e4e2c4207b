"""Reads on orders and sites, scoped to who asks (404 for what they may not see).

A customer contact sees the sites their portal rights name (a right without a site covers all
sites of their customer) and the orders of those sites; nothing of another customer, ever.
Staff with ``commerce.view_order`` see all orders.
"""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kundennah.commerce.models import Order, OrderStatus, OrderTemplate, PortalRight, Product
from kundennah.customers.models import Site


def is_customer_contact(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.role == user.Role.CUSTOMER
                and user.customer_id is not None)


def rights_of(user: Any) -> list[PortalRight]:
    if not is_customer_contact(user):
        return []
    return list(PortalRight.objects.filter(user=user, customer_id=user.customer_id))


def _site_filter(rights: list[PortalRight], flag: str) -> Q | None:
    """Sites of ``rights`` that carry ``flag`` (None: no site at all)."""
    granted = [right for right in rights if getattr(right, flag)]
    if not granted:
        return None
    if any(right.site_id is None for right in granted):
        return Q(organisation_id=granted[0].customer_id)
    return Q(pk__in=[right.site_id for right in granted], organisation_id=granted[0].customer_id)


def sites_for(user: Any, *, flag: str = "can_order") -> QuerySet[Site]:
    """Active sites ``user`` (a customer contact) may act on with the given right."""
    where = _site_filter(rights_of(user), flag)
    if where is None:
        return Site.objects.none()
    return Site.objects.filter(where, is_active=True).order_by("name")


def site_for_order(*, user: Any, site_id: int | str) -> Site:
    """The site a customer contact may order for, else 404 (never tells whether it exists)."""
    try:
        pk = int(site_id)
    except (TypeError, ValueError):
        raise Http404 from None
    site = sites_for(user, flag="can_order").filter(pk=pk).select_related("bank_account", "organisation").first()
    if site is None:
        raise Http404
    return site


def may_order_for(user: Any, site: Site) -> bool:
    if rules.has_perm("commerce.place_order", user):
        return True
    return sites_for(user, flag="can_order").filter(pk=site.pk).exists()


def orders_visible_to(user: Any) -> QuerySet[Order]:
    """Staff: every order. A customer contact: the orders of the sites they hold any right for."""
    if rules.has_perm("commerce.view_order", user):
        return Order.objects.all()
    rights = rights_of(user)
    if not rights:
        raise PermissionDenied
    customer_id = rights[0].customer_id
    if any(right.site_id is None for right in rights):
        return Order.objects.filter(customer_id=customer_id)
    return Order.objects.filter(customer_id=customer_id, site_id__in=[right.site_id for right in rights])


def order_get_for_user(*, user: Any, order_id: int | str) -> Order:
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        raise Http404 from None
    order = orders_visible_to(user).select_related("site", "customer").prefetch_related("lines").filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def order_by_number_for_user(*, user: Any, number: str) -> Order:
    order = orders_visible_to(user).filter(number=number.strip().upper()).first()
    if order is None:
        raise Http404
    return order


def catalogue() -> QuerySet[Product]:
    return Product.objects.filter(active=True).order_by("name", "sku")


def order_templates_of(*, user: Any, site: Site) -> QuerySet[OrderTemplate]:
    """The site's templates, for a contact who may order for it (else none)."""
    return OrderTemplate.objects.filter(site__in=sites_for(user, flag="can_order"), site=site).order_by("name")


def order_templates_by_site(user: Any) -> dict[int, list[OrderTemplate]]:
    """Templates of every site ``user`` may order for, by site id."""
    grouped: dict[int, list[OrderTemplate]] = {}
    for template in OrderTemplate.objects.filter(site__in=sites_for(user, flag="can_order")).order_by("name"):
        grouped.setdefault(template.site_id, []).append(template)
    return grouped


def order_template_get_for_user(*, user: Any, template_id: int | str) -> OrderTemplate:
    """A template of a site the contact may order for, else 404."""
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        raise Http404 from None
    template = (OrderTemplate.objects.filter(pk=pk, site__in=sites_for(user, flag="can_order"))
                .select_related("site").prefetch_related("lines__product").first())
    if template is None:
        raise Http404
    return template


def invoice_sites_for(user: Any) -> QuerySet[Site]:
    """Sites (active or not) whose invoices ``user`` may see; 403 when there is none."""
    where = _site_filter(rights_of(user), "can_see_invoices")
    if where is None:
        raise PermissionDenied
    return Site.objects.filter(where).order_by("name")


def invoices_visible_to(user: Any, *, site_id: int | None = None) -> QuerySet[Order]:
    """Invoiced orders of the sites ``user`` may see invoices for, newest invoice first.

    ``site_id`` narrows to one of them; any other site is a 404.
    """
    sites = invoice_sites_for(user)
    if site_id is not None:
        if not sites.filter(pk=site_id).exists():
            raise Http404
        sites = sites.filter(pk=site_id)
    return (Order.objects.filter(site__in=sites, status=OrderStatus.INVOICED).exclude(invoice_number="")
            .select_related("site").order_by("-invoiced_at", "-id"))
