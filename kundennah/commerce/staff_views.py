"""Staff pages about orders: the order error rate per month and cause, with its CSV."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kundennah.commerce.error_rate import order_error_rate
from kundennah.commerce.models import OrderProblem
from kundennah.core.csvsafe import csv_write
from kundennah.core.permissions import staff_required

PERIODS = (3, 6, 12, 24)


def _months(request: HttpRequest) -> int:
    try:
        months = int(request.GET.get("months", 12))
    except ValueError:
        return 12
    return months if months in PERIODS else 12


@staff_required("commerce.view_order_errors")
def error_rate(request: HttpRequest) -> HttpResponse:
    months = _months(request)
    rows = order_error_rate(months=months)
    causes = OrderProblem.Cause.choices
    totals = {value: sum(row.causes.get(value, 0) for row in rows) for value, _label in causes}
    orders = sum(row.orders for row in rows)
    with_problems = sum(row.with_problems for row in rows)
    chart: dict[str, Any] = {
        "months": [formats.date_format(row.month, "M Y") for row in rows],
        "rate": [float(row.rate) for row in rows],
        "causes": [[str(label), totals[value]] for value, label in causes],
    }
    return render(request, "commerce/staff/errors.html", {
        "rows": rows, "causes": causes, "months": months, "periods": PERIODS, "chart": chart,
        "orders": orders, "with_problems": with_problems,
        "rate": round(with_problems * 100 / orders, 1) if orders else 0, "nav": "orders",
    })


@staff_required("commerce.view_order_errors")
def error_rate_csv(request: HttpRequest) -> HttpResponse:
    rows = order_error_rate(months=_months(request))
    causes = OrderProblem.Cause.choices
    buffer = io.BytesIO()
    csv_write(buffer, [_("Month"), _("Orders"), _("Orders with a problem"), _("Error rate (%)"),
                       *[str(label) for _value, label in causes]],
              ([row.month.strftime("%Y-%m"), row.orders, row.with_problems, row.rate,
                *[row.causes.get(value, 0) for value, _label in causes]] for row in rows))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="order-error-rate-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
