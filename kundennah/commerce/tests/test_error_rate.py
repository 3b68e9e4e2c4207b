"""The order error rate per month and cause, its page and CSV; the catalogue in the admin."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.error_rate import order_error_rate
from kundennah.commerce.models import Order, OrderStatus, PortalRight, Product
from kundennah.commerce.pricing import LineInput
from kundennah.commerce.services import order_fulfilment_update, order_place, order_problem_report
from kundennah.commerce.tests.factories import sites_of
from kundennah.customers.tests import factories as customers

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


def test_months_without_orders_have_no_rate_and_old_orders_stay_out(agent, company, products):
    this_month = timezone.localdate().replace(day=1)
    long_ago = (this_month - dt.timedelta(days=400)).replace(day=1)
    old = _orders(company, agent, 1, month=long_ago)
    order_problem_report(actor=agent, order=old[0], cause="wrong_item", description="")
    rows = order_error_rate(months=3)
    assert len(rows) == 3 and all(row.orders == 0 and row.rate is None and not row.causes for row in rows)


def test_cancelled_orders_count_drafts_do_not(agent, company, products):
    month = timezone.localdate().replace(day=1)
    cancelled, _kept = _orders(company, agent, 2, month=month)
    order_fulfilment_update(actor=agent, order=cancelled, status=OrderStatus.CANCELLED)
    order_problem_report(actor=agent, order=cancelled, cause="wrong_amount", description="")
    order_place(actor=agent, site=sites_of(company)[0], lines=[LineInput("TON-100", 1)], status=OrderStatus.DRAFT)
    [row] = order_error_rate(months=1)
    assert (row.orders, row.with_problems, row.rate, row.causes) == (2, 1, Decimal("50.0"), {"wrong_amount": 1})


def test_an_order_counts_in_the_month_it_was_placed_in_berlin(agent, company, products):
    """00:30 on the first of a month in Berlin is still the month before in UTC: Berlin decides."""
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    [order] = _orders(company, agent, 1, month=this_month)
    berlin_first = timezone.make_aware(dt.datetime.combine(this_month, dt.time(0, 30)))
    Order.objects.filter(pk=order.pk).update(placed_at=berlin_first)
    rows = order_error_rate(months=2)
    assert [(row.month, row.orders) for row in rows] == [(last_month, 0), (this_month, 1)]


def test_the_query_count_does_not_grow_with_orders_or_months(agent, company, products,
                                                             django_assert_max_num_queries):
    month = timezone.localdate().replace(day=1)
    for index, order in enumerate(_orders(company, agent, 12, month=month)):
        order_problem_report(actor=agent, order=order, cause=["late", "damaged", "wrong_item"][index % 3],
                             description="")
    with django_assert_max_num_queries(2):
        order_error_rate(months=36)


@pytest.fixture
def contacts(company, customer_contact):
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=None, can_order=True,
                               can_manage_users=True)
    other = customers.organisation(name="Andere AG")
    stranger = User.objects.create_user("fremd", email="fremd@andere.example", password="x" * 20,
                                        role=User.Role.CUSTOMER, customer=other)
    PortalRight.objects.create(user=stranger, customer=other, site=None, can_manage_users=True)
    plain = User.objects.create_user("filiale", email="filiale@druckerei.example", password="x" * 20,
                                     role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=plain, customer=company, site=None, can_order=True)
    return [customer_contact, stranger, plain]


@pytest.mark.parametrize("url", ["/orders/errors/", "/orders/errors/export.csv"])
def test_the_error_rate_page_and_csv_are_for_team_leads_and_admins(url, agent, team_lead, admin_user, contacts,
                                                                   company, products):
    assert client_for(None).get(url).status_code == 302
    for user in (agent, *contacts):
        assert client_for(user).get(url).status_code == 403, user
    for user in (team_lead, admin_user):
        assert client_for(user).get(url).status_code == 200, user


def test_the_page_shows_chart_data_and_table_for_the_chosen_period(agent, team_lead, company, products):
    this_month = timezone.localdate().replace(day=1)
    orders = _orders(company, agent, 4, month=this_month)
    order_problem_report(actor=agent, order=orders[0], cause="wrong_address", description="")
    page = client_for(team_lead).get("/orders/errors/", {"months": "6"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="errors-data"' in text and "chart.umd.min.js" in text and 'id="chart-rate"' in text
    assert page.context["months"] == 6 and len(page.context["rows"]) == 6
    chart = page.context["chart"]
    assert chart["rate"][-1] == 25.0 and chart["rate"][0] is None
    assert ["Falsche Adresse", 1] in chart["causes"]
    assert "1 von 4" in text or "1 of 4" in text
    fallback = client_for(team_lead).get("/orders/errors/", {"months": "999"})
    assert fallback.status_code == 200 and fallback.context["months"] == 12


def test_the_csv_is_well_formed_with_german_headers_and_safe_cells(agent, team_lead, company, products):
    this_month = timezone.localdate().replace(day=1)
    orders = _orders(company, agent, 3, month=this_month)
    order_problem_report(actor=agent, order=orders[0], cause="damaged", description="=cmd|' /C calc'!A0")
    response = client_for(team_lead).get("/orders/errors/export.csv", {"months": "3"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, *body = rows
    assert header[:2] == ["Monat", "Bestellungen"] and "Falsche Adresse" in header and "Beschädigt" in header
    assert len(body) == 3 and all(len(row) == len(header) for row in body)
    last = dict(zip(header, body[-1], strict=True))
    assert last["Monat"] == this_month.strftime("%Y-%m") and last["Bestellungen"] == "3"
    assert last["Beschädigt"] == "1" and body[-1][3] == "33,3"
    assert body[0][3] == ""  # no orders: no rate, not 0 %
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@"))


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
