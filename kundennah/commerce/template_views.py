"""The portal's order templates: a site's saved quantities, renamed, deleted, or used to start an order.

Only a contact who may order for the template's site sees it; any other template is a 404 like a
missing one. A template stores products and quantities, never prices: an order started from it
is priced on the server like any other.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.channels.portal import customer_required
from kundennah.commerce import selectors, services
from kundennah.commerce.models import OrderTemplate
from kundennah.core.errors import DomainValidationError


def template_quantities(template: OrderTemplate) -> tuple[dict[str, int], list[str]]:
    """The template's quantities by SKU; products no longer sold are left out with a note each."""
    quantities: dict[str, int] = {}
    notes: list[str] = []
    for line in template.lines.select_related("product").order_by("product__name", "id"):
        if line.product.active:
            quantities[line.product.sku] = line.quantity
        else:
            notes.append(_("%(name)s can no longer be ordered and was left out.") % {"name": line.product.name})
    return quantities, notes


@customer_required
def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    """What the template holds, renaming it (POST), and the ways to use or delete it."""
    template = selectors.order_template_get_for_user(user=request.user, template_id=template_id)
    context: dict[str, Any] = {"template": template, "site": template.site, "name": template.name,
                               "lines": list(template.lines.select_related("product").order_by("product__name"))}
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            services.order_template_rename(actor=request.user, template=template, name=name)
        except DomainValidationError as error:
            context.update(name=name, errors={e.field: str(e.message) for e in error.errors})
            return render(request, "commerce/ordering/template.html", context, status=422)
        messages.success(request, _("The template is now called “%(name)s”.") % {"name": template.name})
        return redirect("orders:template", template_id=template.pk)
    return render(request, "commerce/ordering/template.html", context)


@require_POST
@customer_required
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    template = selectors.order_template_get_for_user(user=request.user, template_id=template_id)
    site_id, name = template.site_id, template.name
    services.order_template_delete(actor=request.user, template=template)
    messages.success(request, _("The template “%(name)s” is deleted.") % {"name": name})
    return redirect("orders:form", site_id=site_id)
