"""Staff pages of feedback: the balance on the customer 360 (a fragment loaded after the page)."""

from __future__ import annotations

from django.db.models import Avg, Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kundennah.core.permissions import staff_required
from kundennah.customers.selectors import customer_get_for_user
from kundennah.feedback.balance import running_balances
from kundennah.feedback.selectors import customer_responses, responses_visible_to, standings_of
from kundennah.feedback.services import survey_opted_out
from kundennah.feedback.sparkline import sparkline


@staff_required("feedback.view_feedback")
def customer_balance(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    visible = responses_visible_to(request.user).filter(customer=customer)
    series = list(visible.order_by("contact_at", "id").values_list("balance", flat=True)[:500])
    sites = list(
        visible.filter(site__isnull=False).values("site__name").annotate(mean=Avg("balance"), answers=Count("id"))
        .order_by("mean")
    ) if customer.is_organisation else []
    return render(request, "feedback/_customer_balance.html", {
        "customer": customer, "standing": standings_of([customer.pk]).get(customer.pk),
        "answers": customer_responses(user=request.user, customer_id=customer.pk),
        "line": sparkline(running_balances(series)), "sites": sites,
        "opted_out": survey_opted_out(customer=customer, email=""),
    })
