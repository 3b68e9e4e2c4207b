"""The portal's ordering pages: the site decides address and account, the server the money,
and nobody sees or orders for a site that is not theirs."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from conftest import client_for
from kundennah.commerce.models import Order, OrderProblem, PortalRight, Product
from kundennah.commerce.tests.factories import sites_of
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(customer_contact, company):
    """Central purchasing: may order for every site of the company."""
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=None, can_order=True)
    return customer_contact


def review_and_place(client, site, quantities: dict[str, int], **extra: str):
    data = {f"qty_{sku}": str(qty) for sku, qty in quantities.items()}
    review = client.post(f"/portal/orders/new/{site.pk}/", {**data, "action": "review", **extra})
    assert review.status_code == 200, review.content.decode()[:2000]
    submission = re.search(r'name="submission" value="([^"]+)"', review.content.decode()).group(1)
    return review, client.post(f"/portal/orders/new/{site.pk}/", {**data, "action": "place",
                                                                   "submission": submission, **extra})


def test_order_for_second_site_uses_its_own_iban(buyer, company, products):
    _first, second, _third = sites_of(company)
    client = client_for(buyer)
    _review, placed = review_and_place(client, second, {"TON-100": 2})
    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/portal/orders/{order.pk}/"
    page = client.get(placed["Location"]).content.decode()
    assert "80331 München" in page and "86150 Augsburg" not in page
    assert "DE02 **** **** **** **20 51" in page
    assert order.site == second and order.iban_masked == "DE02 **** **** **** **20 51"


def test_the_review_shows_what_will_happen_and_totals_from_the_server(buyer, company, products):
    site = sites_of(company)[0]
    review, _placed = review_and_place(client_for(buyer), site, {"TON-100": 3, "KAF-1": 2},
                                       gross_total="1.00", unit_price="0.01")
    text = review.content.decode()
    assert "204,89" in text  # 174,70 net + 30,19 VAT, whatever the page sent
    order = Order.objects.get()
    assert order.gross_total == Decimal("204.89")


def test_a_double_click_places_one_order(buyer, company, products):
    site = sites_of(company)[0]
    client = client_for(buyer)
    data = {"qty_TON-100": "1", "action": "review"}
    review = client.post(f"/portal/orders/new/{site.pk}/", data)
    submission = re.search(r'name="submission" value="([^"]+)"', review.content.decode()).group(1)
    for _ in range(2):
        client.post(f"/portal/orders/new/{site.pk}/", {"qty_TON-100": "1", "action": "place",
                                                       "submission": submission})
    assert Order.objects.count() == 1


@pytest.mark.parametrize(("quantities", "message"), [
    ({"ALT-1": "1"}, "nicht mehr bestellt"),
    ({"PAP-A4": "1"}, "Mindestmenge"),
    ({"TON-100": "viele"}, "ganze Zahl"),
])
def test_bad_quantities_are_shown_at_their_line_and_nothing_is_placed(buyer, company, products, quantities,
                                                                      message):
    site = sites_of(company)[0]
    data = {f"qty_{sku}": value for sku, value in quantities.items()}
    response = client_for(buyer).post(f"/portal/orders/new/{site.pk}/", {**data, "action": "review"},
                                      headers={"Accept-Language": "de"})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_a_site_without_mandate_pays_by_invoice(buyer, company, products):
    third = sites_of(company)[2]
    review_and_place(client_for(buyer), third, {"TON-100": 1})
    assert Order.objects.get().payment_method == "invoice"


def test_the_confirmation_mail_carries_the_pdf(buyer, company, products, django_capture_on_commit_callbacks,
                                               mailoutbox):
    site = sites_of(company)[1]
    with django_capture_on_commit_callbacks(execute=True):
        review_and_place(client_for(buyer), site, {"TON-100": 1})
    order = Order.objects.get()
    [mail] = mailoutbox
    assert order.number in mail.subject and "DE02 **** **** **** **20 51" in mail.body
    [(filename, content, mimetype)] = mail.attachments
    assert filename == f"{order.number}.pdf" and mimetype == "application/pdf" and content.startswith(b"%PDF")
    pdf = client_for(buyer).get(f"/portal/orders/{order.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf["Cache-Control"] == "private, no-store"


def test_order_again_fills_the_same_quantities_for_the_same_site(buyer, company, products):
    site = sites_of(company)[0]
    review_and_place(client_for(buyer), site, {"TON-100": 4})
    order = Order.objects.get()
    page = client_for(buyer).get(f"/portal/orders/new/{site.pk}/?again={order.pk}").content.decode()
    assert 'name="qty_TON-100" value="4"' in page


def test_a_reported_problem_becomes_a_concern_linked_to_the_order(buyer, company, products):
    review_and_place(client_for(buyer), sites_of(company)[0], {"TON-100": 1})
    order = Order.objects.get()
    response = client_for(buyer).post(f"/portal/orders/{order.pk}/problem/", {"cause": "damaged",
                                                                              "description": "Karton nass"})
    problem = OrderProblem.objects.get()
    assert problem.order == order and problem.concern.customer == company
    assert problem.concern.reference in response.content.decode()
    assert client_for(buyer).post(f"/portal/orders/{order.pk}/problem/", {"cause": "egal"}).status_code == 422


def test_every_ordering_page_is_closed_to_the_wrong_people(buyer, company, products, agent):
    first, second, _third = sites_of(company)
    review_and_place(client_for(buyer), second, {"TON-100": 1})
    order = Order.objects.get()
    pages = ["/portal/orders/", "/portal/orders/new/", f"/portal/orders/new/{second.pk}/",
             f"/portal/orders/{order.pk}/", f"/portal/orders/{order.pk}/pdf/", f"/portal/orders/{order.pk}/problem/"]
    for page in pages:
        assert client_for(None).get(page).status_code == 302, page  # to the login
        assert client_for(agent).get(page).status_code == 403, page  # staff use the staff side
        assert client_for(buyer).get(page).status_code == 200, page
    # A contact with a right for the first site only: the second site and its order do not exist for them.
    from kundennah.accounts.models import User

    local = User.objects.create_user("filiale", email="filiale@example.org", password="x" * 20,
                                     role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=local, customer=company, site=first)
    assert client_for(local).get(f"/portal/orders/new/{second.pk}/").status_code == 404
    assert client_for(local).get(f"/portal/orders/{order.pk}/").status_code == 404
    assert client_for(local).post(f"/portal/orders/new/{second.pk}/", {"qty_TON-100": "1"}).status_code == 404
    # A contact of another company sees nothing of this one.
    other = customers.organisation(name="Andere AG")
    stranger = User.objects.create_user("fremd", email="fremd@example.org", password="x" * 20,
                                        role=User.Role.CUSTOMER, customer=other)
    PortalRight.objects.create(user=stranger, customer=other, site=None)
    for page in pages[2:]:
        assert client_for(stranger).get(page).status_code == 404, page
    assert "B-" not in client_for(stranger).get("/portal/orders/").content.decode()
    assert Product.objects.count() == 4


def test_the_customer_chooses_per_rule_to_reorder_automatically_or_to_confirm(buyer, company, products, agent):
    from kundennah.commerce.models import Device, ReplenishmentRule

    first, second, _third = sites_of(company)
    printer = Device.objects.create(customer=company, site=first, name="Drucker")
    rule = ReplenishmentRule.objects.create(site=first, product=products["toner"], device=printer,
                                            threshold=Decimal("15"), order_quantity=1)
    client = client_for(buyer)
    page = client.get("/portal/orders/replenishment/")
    assert page.status_code == 200 and b"Drucker" in page.content
    assert client.post("/portal/orders/replenishment/", {"rule": rule.pk, "mode": "automatic",
                                                         "active": "on"}).status_code == 302
    rule.refresh_from_db()
    assert rule.mode == "automatic" and rule.active
    assert client.post("/portal/orders/replenishment/", {"rule": rule.pk, "mode": "sofort"}).status_code == 422
    # Nobody else changes it: not staff here, not a contact without a right for the site.
    assert client_for(agent).post("/portal/orders/replenishment/", {"rule": rule.pk, "mode": "draft"}
                                  ).status_code == 403
    from kundennah.accounts.models import User

    local = User.objects.create_user("filiale2", email="f2@example.org", password="x" * 20, role=User.Role.CUSTOMER,
                                     customer=company)
    PortalRight.objects.create(user=local, customer=company, site=second)
    assert client_for(local).post("/portal/orders/replenishment/", {"rule": rule.pk, "mode": "draft"}
                                  ).status_code == 404
    rule.refresh_from_db()
    assert rule.mode == "automatic"
