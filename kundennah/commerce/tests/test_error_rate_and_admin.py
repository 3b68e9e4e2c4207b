"""The order error rate per month and cause, its page and CSV; the catalogue in the admin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import client_for
from kundennah.commerce.error_rate import order_error_rate
from kundennah.commerce.models import Order, Product
from kundennah.commerce.pricing import LineInput
from kundennah.commerce.services import order_place, order_problem_report
from kundennah.commerce.tests.factories import sites_of

pytestmark = pytest.mark.django_db


def _orders(company, agent, count: int, *, month: dt.date) -> list[Order]:
    placed = []
    at = timezone.make_aware(dt.datetime.combine(month.replace(day=10), dt.time(10)))
    for _ in range(count):
        order = order_place(actor=agent, site=sites_of(company)[0], lines=[LineInput("TON-100", 1)])
        Order.objects.filter(pk=order.pk).update(placed_at=at, created_at=at)
        placed.append(order)
    return placed


def test_the_error_rate_counts_orders_with_a_problem_per_month_and_cause(agent, company, products,
                                                                        django_assert_max_num_queries):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    earlier = _orders(company, agent, 4, month=last_month)
    recent = _orders(company, agent, 5, month=this_month)
    order_problem_report(actor=agent, order=earlier[0], cause="wrong_address", description="")
    order_problem_report(actor=agent, order=earlier[0], cause="late", description="")  # one order, two causes
    order_problem_report(actor=agent, order=recent[1], cause="damaged", description="")
    with django_assert_max_num_queries(3):
        rows = order_error_rate(months=2)
    assert [(row.month, row.orders, row.with_problems, row.rate) for row in rows] == [
        (last_month, 4, 1, Decimal("25.0")), (this_month, 5, 1, Decimal("20.0"))]
    assert rows[0].causes == {"wrong_address": 1, "late": 1} and rows[1].causes == {"damaged": 1}


def test_the_error_rate_page_and_csv_are_for_team_leads(agent, team_lead, admin_user, customer_contact, company,
                                                        products):
    _orders(company, agent, 2, month=timezone.localdate())
    for user in (None, agent, customer_contact):
        status = client_for(user).get("/orders/errors/").status_code
        assert status in {302, 403}, user
    page = client_for(team_lead).get("/orders/errors/", {"months": "6"}, headers={"Accept-Language": "de"})
    assert page.status_code == 200 and b"chart-rate" in page.content
    assert client_for(admin_user).get("/orders/errors/").status_code == 200
    csv = client_for(team_lead).get("/orders/errors/export.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Monat;") or csv.splitlines()[0].startswith("Month;")
    assert len(csv.splitlines()) == 13


def test_the_catalogue_is_kept_by_team_leads_and_orders_stay_read_only(team_lead, agent, company, products):
    for user in (team_lead, agent):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    lead, staff = client_for(team_lead), client_for(agent)
    assert lead.get("/admin/commerce/product/").status_code == 200
    assert staff.get("/admin/commerce/product/").status_code == 403
    response = lead.post("/admin/commerce/product/add/", {
        "sku": "NEU-1", "name": "Neuer Artikel", "description": "", "unit": "Stück", "vat_rate": "19.00",
        "list_price": "5.00", "currency": "EUR", "min_quantity": "1", "active": "on"})
    assert response.status_code == 302 and Product.objects.filter(sku="NEU-1").exists()
    order = order_place(actor=agent, site=sites_of(company)[0], lines=[LineInput("TON-100", 1)])
    assert lead.get(f"/admin/commerce/order/{order.pk}/change/").status_code == 200
    assert lead.post(f"/admin/commerce/order/{order.pk}/change/", {"status": "cancelled"}).status_code == 403
    assert lead.get("/admin/commerce/order/add/").status_code == 403
