"""Staff pages about orders: the order error rate (page and CSV), inviting a customer's portal
contacts and changing their rights."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kundennah.commerce.account_forms import InvitationForm, RightsForm
from kundennah.commerce.account_views import invite_submit
from kundennah.commerce.error_rate import error_rate_csv_rows, order_error_rate, totals_of
from kundennah.commerce.models import OrderProblem
from kundennah.commerce.portal_users import contact_get_for_manager, contacts_of, grantable_sites, rights_set
from kundennah.core.csvsafe import csv_write
from kundennah.core.forms import form_submit
from kundennah.core.permissions import staff_required
from kundennah.customers.selectors import customer_get_for_user

PERIODS = (3, 6, 12, 24, 36)


class PeriodForm(forms.Form):
    months = forms.TypedChoiceField(label=gettext_lazy("Period"), coerce=int, required=False,
                                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built per request, so that the labels speak the reader's language.
        self.fields["months"].choices = [  # type: ignore[attr-defined]
            (count, ngettext("last %(count)d month", "last %(count)d months", count) % {"count": count})
            for count in PERIODS]

    def period(self) -> int:
        if not self.is_valid():
            return 12
        return int(self.cleaned_data.get("months") or 12)


def _period(request: HttpRequest) -> tuple[PeriodForm, int]:
    form = PeriodForm(request.GET or None, initial={"months": 12})
    return form, form.period()


@staff_required("commerce.view_order_errors")
def error_rate(request: HttpRequest) -> HttpResponse:
    form, months = _period(request)
    rows = order_error_rate(months=months)
    totals = totals_of(rows)
    chart: dict[str, Any] = {
        "months": [formats.date_format(row.month, "YEAR_MONTH_FORMAT") for row in rows],
        "rate": [float(row.rate) if row.rate is not None else None for row in rows],
        "causes": [[label, count] for _value, label, count in totals.causes],
        "rate_label": _("Orders with a problem (%)"),
        "causes_label": _("Orders"),
    }
    return render(request, "commerce/staff/errors.html", {
        "form": form, "rows": rows, "causes": OrderProblem.Cause.choices, "months": months, "totals": totals,
        "chart": chart, "nav": "orders",
    })


@staff_required("commerce.view_order_errors")
def error_rate_csv(request: HttpRequest) -> HttpResponse:
    _form, months = _period(request)
    rows = order_error_rate(months=months)
    buffer = io.BytesIO()
    header = [_("Month"), _("Orders"), _("Orders with a problem"), _("Error rate (%)"),
              *[str(label) for label in OrderProblem.Cause.labels]]
    csv_write(buffer, header, error_rate_csv_rows(rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bestellfehler-{months}-monate-{timezone.localdate():%Y-%m-%d}.csv"')
    return response


@staff_required("customers.change_customer")
def customer_invite(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Invite a portal contact of a customer (staff), beside the contacts it already has."""
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    all_sites, sites = grantable_sites(request.user, customer)
    form = InvitationForm(request.POST or None, all_sites=all_sites, sites=[site for site in sites if site.is_active])
    if request.method == "POST":
        invited = invite_submit(request, customer, form)
        if invited is not None:
            messages.success(request, _("The invitation went to %(email)s.") % {"email": invited.email})
            return redirect("commerce:invite", customer_id=customer.pk)
    return render(request, "commerce/staff/invite.html", {
        "customer": customer, "contacts": contacts_of(customer), "form": form, "nav": "customers",
    }, status=400 if form.is_bound else 200)


@staff_required("customers.change_customer")
def contact_rights(request: HttpRequest, customer_id: int, user_id: int) -> HttpResponse:
    """Change a portal contact's rights per site (staff), with the service user managers use."""
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    contact = contact_get_for_manager(actor=request.user, customer=customer, user_id=user_id)
    all_sites, sites = grantable_sites(request.user, customer)
    form = RightsForm(request.POST or None, all_sites=all_sites, sites=sites,
                      current=list(contact.portal_rights.select_related("site")))
    saved = None
    if request.method == "POST":
        saved = form_submit(form, lambda _data: rights_set(actor=request.user, user=contact, rights=form.rights()))
    if saved is not None:
        messages.success(request, _("The rights of %(name)s are saved.") % {"name": contact.display_name})
        return redirect("commerce:invite", customer_id=customer.pk)
    return render(request, "commerce/staff/rights.html", {
        "customer": customer, "contact": contact, "form": form, "nav": "customers",
    }, status=400 if form.is_bound else 200)
