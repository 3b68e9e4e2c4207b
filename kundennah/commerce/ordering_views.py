"""The portal's ordering pages: pick the site, choose quantities, review, place; the orders.

Only customer contacts enter (staff 403, nobody signed in goes to the login), and only for the
sites their portal rights name: another site or order is a 404 like a missing one. What an order
costs and where it goes is computed and copied on the server at every step; the page only ever
sends SKUs and quantities.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.channels.portal import customer_required
from kundennah.commerce import selectors, services
from kundennah.commerce.confirmation import order_confirmation_schedule, order_pdf
from kundennah.commerce.models import Order, OrderProblem, OrderStatus, ReplenishmentRule
from kundennah.commerce.pricing import LineInput, quote, unit_prices
from kundennah.commerce.template_views import template_quantities
from kundennah.core.errors import DomainValidationError, InvalidTransitionError

SUBMISSION_SALT = "kundennah.portal.order-submission"
LIST_LIMIT = 100


def _catalogue_rows(site: Any, quantities: dict[str, int]) -> list[dict[str, Any]]:
    products = list(selectors.catalogue())
    prices = unit_prices(customer_id=site.organisation_id, products=products)
    return [{"product": p, "price": prices[p.pk][0], "minimum": prices[p.pk][1], "quantity": quantities.get(p.sku, 0)}
            for p in products]


def _quantities(request: HttpRequest) -> tuple[dict[str, int], dict[str, str]]:
    """``qty_<sku>`` fields as numbers; a field that is not a whole number is an error of its own."""
    quantities: dict[str, int] = {}
    problems: dict[str, str] = {}
    for name in request.POST:
        value = request.POST.get(name, "")
        if not name.startswith("qty_") or not value.strip():
            continue
        sku = name[4:]
        try:
            number = int(value.strip())
        except ValueError:
            problems[sku] = _("Please enter a whole number.")
            continue
        if number:
            quantities[sku] = number
    return quantities, problems


def _line_errors(error: DomainValidationError, skus: list[str]) -> tuple[dict[str, str], list[str]]:
    by_sku: dict[str, str] = {}
    general: list[str] = []
    for problem in error.errors:
        if problem.field.startswith("lines[") and "]" in problem.field:
            index = int(problem.field[6:problem.field.index("]")])
            if 0 <= index < len(skus):
                by_sku[skus[index]] = str(problem.message)
                continue
        general.append(str(problem.message))
    return by_sku, general


@customer_required
def order_list(request: HttpRequest) -> HttpResponse:
    orders = list(selectors.orders_visible_to(request.user).select_related("site").order_by("-created_at", "-id")
                  [:LIST_LIMIT])
    drafts = [o for o in orders if o.status == OrderStatus.DRAFT]
    return render(request, "commerce/ordering/list.html", {
        "drafts": drafts, "orders": [o for o in orders if o.status != OrderStatus.DRAFT],
        "can_order": selectors.sites_for(request.user).exists(),
        "sees_invoices": any(right.can_see_invoices for right in selectors.rights_of(request.user)),
        "manages_users": any(right.can_manage_users for right in selectors.rights_of(request.user)),
    })


@customer_required
def order_new(request: HttpRequest) -> HttpResponse:
    sites = list(selectors.sites_for(request.user, flag="can_order").select_related("bank_account"))
    if len(sites) == 1:
        return redirect("orders:form", site_id=sites[0].pk)
    templates = selectors.order_templates_by_site(request.user)
    return render(request, "commerce/ordering/sites.html", {
        "sites": [(site, services.payment_of(site), templates.get(site.pk, [])) for site in sites]})


def _form_context(site: Any, quantities: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {"site": site, "payment": services.payment_of(site), "rows": _catalogue_rows(site, quantities), **extra}


@customer_required
def order_form(request: HttpRequest, site_id: int) -> HttpResponse:
    """Step 2 (quantities), 3 (review, POST action=review) and 4 (place, POST action=place)."""
    site = selectors.site_for_order(user=request.user, site_id=site_id)
    if request.method != "POST":
        quantities: dict[str, int] = {}
        notes: list[str] = []
        again = request.GET.get("again")
        chosen = None
        if request.GET.get("template"):
            chosen = selectors.order_template_get_for_user(user=request.user, template_id=request.GET["template"])
            if chosen.site_id != site.pk:
                raise Http404
            quantities, notes = template_quantities(chosen)
        if again:
            try:
                earlier = selectors.order_get_for_user(user=request.user, order_id=again)
            except Http404:
                earlier = None
            if earlier is not None and earlier.site_id == site.pk:
                active = {p.sku for p in selectors.catalogue()}
                for line in earlier.lines.all():
                    if line.sku in active:
                        quantities[line.sku] = line.quantity
                    else:
                        notes.append(_("%(name)s can no longer be ordered and was left out.") % {"name": line.name})
        return render(request, "commerce/ordering/form.html", _form_context(
            site, quantities, notes=notes, chosen=chosen,
            templates=list(selectors.order_templates_of(user=request.user, site=site))))
    quantities, problems = _quantities(request)
    reference = " ".join(request.POST.get("customer_reference", "").split())[:50]
    if request.POST.get("action") == "save_template":
        return _template_save(request, site, quantities, problems, reference)
    if request.POST.get("action") == "edit":
        return render(request, "commerce/ordering/form.html", _form_context(site, quantities, reference=reference))
    skus = list(quantities)
    lines = [LineInput(sku=sku, quantity=quantity) for sku, quantity in quantities.items()]
    try:
        if problems:
            raise DomainValidationError([])
        priced = quote(customer_id=site.organisation_id, lines=lines)
    except DomainValidationError as error:
        by_sku, general = _line_errors(error, skus)
        listed = {p.sku for p in selectors.catalogue()}
        # A SKU the page does not list (no longer orderable) has no line to show its error at.
        general += [f"{sku}: {message}" for sku, message in by_sku.items() if sku not in listed]
        return render(request, "commerce/ordering/form.html", _form_context(
            site, quantities, errors={**by_sku, **problems}, general_errors=general, reference=reference),
            status=422)
    if request.POST.get("action") != "place":
        key = signing.dumps(get_random_string(24), salt=SUBMISSION_SALT)
        return render(request, "commerce/ordering/review.html", _form_context(
            site, quantities, quote=priced, reference=reference, submission=key))
    try:
        submission = signing.loads(request.POST.get("submission", ""), salt=SUBMISSION_SALT, max_age=86400)
    except signing.BadSignature:
        return render(request, "commerce/ordering/form.html", _form_context(
            site, quantities, general_errors=[_("This order form is too old. Please review the order again.")],
            reference=reference), status=422)
    with transaction.atomic():
        existed = Order.objects.filter(submission_key=f"portal:{submission}").exists()
        order = services.order_place(actor=request.user, site=site, lines=lines, customer_reference=reference,
                                     submission_key=f"portal:{submission}")
        if not existed:
            order_confirmation_schedule(order, base_url=request.build_absolute_uri("/"))
    return redirect("orders:detail", order_id=order.pk)


def _template_save(request: HttpRequest, site: Any, quantities: dict[str, int], problems: dict[str, str],
                   reference: str) -> HttpResponse:
    """"Save as template" on the order form: the quantities as the site's template, then back to the form."""
    name = " ".join(request.POST.get("template_name", "").split())[:100]
    errors: dict[str, str] = dict(problems)
    template = None
    if not problems:
        try:
            template = services.order_template_save(actor=request.user, site=site, name=name, quantities=quantities)
        except DomainValidationError as error:
            errors.update({f"template_{e.field}": str(e.message) for e in error.errors})
    if template is None:
        return render(request, "commerce/ordering/form.html", _form_context(
            site, quantities, errors=errors, reference=reference, template_name=name,
            templates=list(selectors.order_templates_of(user=request.user, site=site))), status=422)
    messages.success(request, _("Saved as template “%(name)s”.") % {"name": template.name})
    return redirect(f"{reverse('orders:form', kwargs={'site_id': site.pk})}?template={template.pk}")


@customer_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Invoiced orders of the sites the contact may see invoices for (403 without any), newest first."""
    sites = list(selectors.invoice_sites_for(request.user))
    raw = request.GET.get("site", "")
    site_id = int(raw) if raw.isdigit() else None
    invoices = list(selectors.invoices_visible_to(request.user, site_id=site_id)[:LIST_LIMIT])
    return render(request, "commerce/ordering/invoices.html", {
        "invoices": invoices, "sites": sites, "site_id": site_id, "limit": LIST_LIMIT})


@customer_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    may_order = selectors.sites_for(request.user).filter(pk=order.site_id).exists()
    return render(request, "commerce/ordering/detail.html", {
        "order": order, "lines": list(order.lines.all()), "may_order": may_order,
        "problems": list(order.problems.select_related("concern")),
    })


@require_POST
@customer_required
def order_confirm(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    # Confirmed a moment ago (a double click): the page shows it placed.
    with contextlib.suppress(InvalidTransitionError):
        services.order_confirm(actor=request.user, order=order)
    return redirect("orders:detail", order_id=order.pk)


@customer_required
def order_problem(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    context: dict[str, Any] = {"order": order, "causes": OrderProblem.Cause.choices}
    if request.method == "POST":
        description = request.POST.get("description", "").strip()[:5000]
        try:
            problem = services.order_problem_report(actor=request.user, order=order,
                                                    cause=request.POST.get("cause", ""), description=description)
        except DomainValidationError as error:
            context.update(errors={e.field: str(e.message) for e in error.errors}, description=description)
            return render(request, "commerce/ordering/problem.html", context, status=422)
        context["reported"] = problem
    return render(request, "commerce/ordering/problem.html", context)


@customer_required
def order_pdf_download(request: HttpRequest, order_id: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, order_id=order_id)
    response = HttpResponse(order_pdf(order), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{order.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@customer_required
def replenishment(request: HttpRequest) -> HttpResponse:
    """The automatic reorders of the contact's sites: what, when, and how (automatic or to confirm)."""
    sites = selectors.sites_for(request.user, flag="can_order")
    rules = ReplenishmentRule.objects.filter(site__in=sites).select_related("site", "product", "device").order_by(
        "site__name", "product__name")
    if request.method == "POST":
        rule_id = request.POST.get("rule", "")
        rule = rules.filter(pk=int(rule_id)).first() if rule_id.isdigit() else None
        if rule is None:
            raise Http404
        try:
            services.replenishment_rule_mode_set(actor=request.user, rule=rule, mode=request.POST.get("mode", ""),
                                                 active=request.POST.get("active") == "on")
        except DomainValidationError:
            return render(request, "commerce/ordering/replenishment.html",
                          {"rules": list(rules), "modes": ReplenishmentRule.Mode.choices, "failed": rule.pk},
                          status=422)
        return redirect("orders:replenishment")
    return render(request, "commerce/ordering/replenishment.html",
                  {"rules": list(rules), "modes": ReplenishmentRule.Mode.choices})
