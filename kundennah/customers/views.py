"""Agent pages of the customer record: search, creation, the 360 page and in-place editing.

Each edit view follows one pattern (``_edit``): GET renders the form into its section, POST
calls one service and answers with the refreshed section, or with the form and its errors
(status 422, which htmx swaps in as well). Without htmx a successful POST redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.core.forms import form_submit
from kundennah.core.permissions import require_perm, staff_required
from kundennah.customers import selectors, services
from kundennah.customers.audit import customer_audit_log
from kundennah.customers.forms import (
    ConsentForm,
    ContactPointForm,
    CustomerCreateForm,
    HoldingForm,
    InteractionForm,
    MembershipForm,
    NoteForm,
    ProfileForm,
    SiteForm,
)
from kundennah.customers.models import Customer
from kundennah.timeline.models import Interaction
from kundennah.timeline.selectors import timeline_page
from kundennah.timeline.services import interaction_record

SECTIONS = {"profile", "contacts", "memberships", "sites", "holdings", "consents", "notes", "timeline"}


def _section(request: HttpRequest, customer_id: int, name: str) -> HttpResponse:
    c = selectors.customer_360(user=request.user, customer_id=customer_id, channel=request.GET.get("channel"))
    if request.headers.get("HX-Request") != "true":
        return redirect(reverse("customers:detail", args=[customer_id]) + f"#section-{name}")
    response = render(
        request,
        f"customers/sections/{name}.html",
        {"c": c, "customer": c.customer, "active_channel": request.GET.get("channel") or ""},
    )
    # Forms may sit outside their section (the contact log); the answer always replaces the section.
    response["HX-Retarget"] = f"#section-{name}"
    response["HX-Reswap"] = "outerHTML"
    return response


def _edit(
    request: HttpRequest,
    *,
    customer: Customer,
    section: str,
    form: Form,
    template: str,
    action: Callable[[dict[str, Any]], Any],
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form_submit(form, action) is not None:
        return _section(request, customer.pk, section)
    context = {"form": form, "customer": customer, "section": section, **(extra or {})}
    return render(request, template, context, status=422 if form.is_bound else 200)


@staff_required()
def customer_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = (
        selectors.customer_search(user=request.user, query=query, limit=settings.SEARCH_RESULT_LIMIT) if query else []
    )
    if len(hits) == 1 and request.GET.get("open") == "1":
        return redirect("customers:detail", hits[0].customer.pk)
    recent = [] if query else selectors.customer_list(user=request.user, limit=25)
    return render(
        request, "customers/list.html", {"hits": hits, "recent": recent, "search_query": query, "nav": "customers"}
    )


@staff_required()
def search_suggest(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    hits = selectors.customer_search(user=request.user, query=query, limit=8) if query else []
    return render(request, "customers/partials/suggestions.html", {"hits": hits, "search_query": query})


@staff_required("customers.add_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or request.GET.get("kind") or Customer.Kind.PERSON
    if kind not in Customer.Kind.values:
        kind = Customer.Kind.PERSON
    form = CustomerCreateForm(request.POST or None, kind=kind)
    if request.method == "POST":
        customer = form_submit(form, lambda d: services.customer_create(actor=request.user, data=form.to_input()))
        if customer is not None:
            messages.success(request, _("Customer %(number)s created.") % {"number": customer.number})
            return redirect("customers:detail", customer.pk)
    return render(
        request,
        "customers/create.html",
        {"form": form, "kind": kind, "nav": "customers"},
        status=422 if form.is_bound else 200,
    )


@staff_required()
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    c = selectors.customer_360(user=request.user, customer_id=customer_id, channel=request.GET.get("channel"))
    return render(
        request,
        "customers/detail.html",
        {
            "c": c,
            "customer": c.customer,
            "nav": "customers",
            "channels": Interaction.Channel.choices,
            "log_form": InteractionForm(sites=c.sites),
            "active_channel": request.GET.get("channel") or "",
        },
    )


@staff_required()
def section(request: HttpRequest, customer_id: int, name: str) -> HttpResponse:
    if name not in SECTIONS:
        raise Http404
    return _section(request, customer_id, name)


@staff_required()
def timeline(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    channel = request.GET.get("channel") or None
    page = timeline_page(
        customer=customer, channel=channel, cursor=request.GET.get("cursor"), limit=settings.TIMELINE_PAGE_SIZE
    )
    return render(
        request,
        "customers/partials/timeline_items.html",
        {"customer": customer, "page": page, "active_channel": channel or ""},
    )


@staff_required("timeline.add_interaction")
def interaction_log(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    sites = selectors.sites_of(customer)
    form = InteractionForm(request.POST or None, sites=list(sites.values()))
    return _edit(
        request,
        customer=customer,
        section="timeline",
        form=form,
        template="customers/forms/interaction.html",
        action=lambda d: interaction_record(
            customer=customer,
            channel=d["channel"],
            direction=d["direction"],
            occurred_at=d.get("occurred_at"),
            subject=d.get("subject", ""),
            summary=d.get("summary", ""),
            site=sites.get(d.get("site") or 0),
            actor=request.user,
        ),
    )


@staff_required("customers.change_customer")
def profile_edit(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    form = ProfileForm(request.POST or None, kind=customer.kind, initial=ProfileForm.initial_for(customer))
    return _edit(
        request,
        customer=customer,
        section="profile",
        form=form,
        template="customers/forms/profile.html",
        action=lambda d: services.customer_update(
            actor=request.user, customer=customer, changes=form.changes(), expected_version=d.get("version")
        ),
    )


@staff_required("customers.change_customer")
def contact_point_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    form = ContactPointForm(request.POST or None, initial={"kind": request.GET.get("kind", "email")})
    return _edit(
        request,
        customer=customer,
        section="contacts",
        form=form,
        template="customers/forms/contact_point.html",
        action=lambda d: services.contact_point_add(actor=request.user, customer=customer, data=form.to_input()),
    )


@staff_required("customers.change_customer")
def contact_point_edit(request: HttpRequest, customer_id: int, point_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    point = selectors.contact_point_get_for_user(user=request.user, customer=customer, contact_point_id=point_id)
    form = ContactPointForm(request.POST or None, initial=ContactPointForm.initial_for(point))
    return _edit(
        request,
        customer=customer,
        section="contacts",
        form=form,
        template="customers/forms/contact_point.html",
        action=lambda d: services.contact_point_update(
            actor=request.user, contact_point=point, data=form.to_input(), expected_version=d.get("version")
        ),
        extra={"point": point},
    )


@require_POST
@staff_required("customers.change_customer")
def contact_point_action(request: HttpRequest, customer_id: int, point_id: int, action: str) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    point = selectors.contact_point_get_for_user(user=request.user, customer=customer, contact_point_id=point_id)
    if action == "primary":
        services.contact_point_make_primary(actor=request.user, contact_point=point)
    elif action == "delete":
        services.contact_point_remove(actor=request.user, contact_point=point)
    else:
        raise Http404
    return _section(request, customer.pk, "contacts")


@staff_required("customers.change_customer")
def site_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    if not customer.is_organisation:
        raise Http404
    form = SiteForm(request.POST or None)
    return _edit(
        request,
        customer=customer,
        section="sites",
        form=form,
        template="customers/forms/site.html",
        action=lambda d: services.site_add(actor=request.user, organisation=customer, data=form.to_input()),
    )


@staff_required("customers.change_customer")
def site_edit(request: HttpRequest, customer_id: int, site_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    site = selectors.site_get_for_user(user=request.user, customer=customer, site_id=site_id)
    form = SiteForm(request.POST or None, initial=SiteForm.initial_for(site))
    return _edit(
        request,
        customer=customer,
        section="sites",
        form=form,
        template="customers/forms/site.html",
        action=lambda d: services.site_update(
            actor=request.user, site=site, data=form.to_input(), expected_version=d.get("version")
        ),
        extra={"site": site},
    )


@staff_required("customers.change_customer")
def holding_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    form = HoldingForm(request.POST or None, sites=list(selectors.sites_of(customer).values()))
    return _edit(
        request,
        customer=customer,
        section="holdings",
        form=form,
        template="customers/forms/holding.html",
        action=lambda d: services.holding_add(actor=request.user, customer=customer, data=form.to_input()),
    )


@staff_required("customers.change_customer")
def holding_edit(request: HttpRequest, customer_id: int, holding_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    holding = selectors.holding_get_for_user(user=request.user, customer=customer, holding_id=holding_id)
    form = HoldingForm(
        request.POST or None,
        sites=list(selectors.sites_of(customer).values()),
        initial=HoldingForm.initial_for(holding),
    )
    return _edit(
        request,
        customer=customer,
        section="holdings",
        form=form,
        template="customers/forms/holding.html",
        action=lambda d: services.holding_update(
            actor=request.user, holding=holding, data=form.to_input(), expected_version=d.get("version")
        ),
        extra={"holding": holding},
    )


@staff_required("customers.change_customer")
def consent_record(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    form = ConsentForm(request.POST or None, initial={"source": "phone"})
    return _edit(
        request,
        customer=customer,
        section="consents",
        form=form,
        template="customers/forms/consent.html",
        action=lambda d: services.consent_record(actor=request.user, customer=customer, **d),
    )


@staff_required("customers.change_customer")
def note_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    form = NoteForm(request.POST or None)
    return _edit(
        request,
        customer=customer,
        section="notes",
        form=form,
        template="customers/forms/note.html",
        action=lambda d: services.note_add(
            actor=request.user, customer=customer, text=d["text"], is_sensitive=d["is_sensitive"]
        ),
    )


@staff_required("customers.change_customer")
def note_edit(request: HttpRequest, customer_id: int, note_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    note = selectors.note_get_for_user(user=request.user, customer=customer, note_id=note_id)
    require_perm(request.user, "customers.change_personalnote", note)
    form = NoteForm(
        request.POST or None, initial={"text": note.text, "is_sensitive": note.is_sensitive, "version": note.version}
    )
    return _edit(
        request,
        customer=customer,
        section="notes",
        form=form,
        template="customers/forms/note.html",
        action=lambda d: services.note_update(
            actor=request.user,
            note=note,
            text=d["text"],
            is_sensitive=d["is_sensitive"],
            expected_version=d.get("version"),
        ),
        extra={"note": note},
    )


@require_POST
@staff_required("customers.change_customer")
def note_delete(request: HttpRequest, customer_id: int, note_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    note = selectors.note_get_for_user(user=request.user, customer=customer, note_id=note_id)
    services.note_delete(actor=request.user, note=note)
    return _section(request, customer.pk, "notes")


@staff_required("customers.change_customer")
def membership_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    sites = selectors.sites_of(customer)
    form = MembershipForm(request.POST or None, customer=customer, sites=list(sites.values()))

    def add(d: dict[str, Any]) -> Any:
        other = selectors.customer_by_number_for_user(user=request.user, number=d["other_number"])
        person, organisation = (other, customer) if customer.is_organisation else (customer, other)
        return services.membership_add(
            actor=request.user,
            person=person,
            organisation=organisation,
            role=d["role"],
            site=sites.get(d.get("site") or 0),
            is_main_contact=d["is_main_contact"],
        )

    return _edit(
        request,
        customer=customer,
        section="memberships",
        form=form,
        template="customers/forms/membership.html",
        action=add,
    )


@require_POST
@staff_required("customers.change_customer")
def membership_remove(request: HttpRequest, customer_id: int, membership_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    membership = selectors.membership_get_for_user(user=request.user, customer=customer, membership_id=membership_id)
    services.membership_remove(actor=request.user, membership=membership)
    return _section(request, customer.pk, "memberships")


@staff_required()
def customer_history(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    entries = customer_audit_log(user=request.user, customer=customer)
    return render(request, "customers/history.html", {"customer": customer, "entries": entries, "nav": "customers"})
