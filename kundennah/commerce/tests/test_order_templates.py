"""Order templates: saved quantities per site, used, renamed and deleted only by contacts who may
order for that site; prices always come from the server."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.models import Order, OrderTemplate, PortalRight, PriceList, Product
from kundennah.commerce.services import order_template_delete, order_template_rename, order_template_save
from kundennah.commerce.tests.factories import sites_of
from kundennah.core.errors import DomainValidationError
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(customer_contact, company):
    """May order for the first site only (and sees the orders of the second)."""
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    first, second, _third = sites_of(company)
    PortalRight.objects.create(user=customer_contact, customer=company, site=first, can_order=True)
    PortalRight.objects.create(user=customer_contact, customer=company, site=second, can_order=False)
    return customer_contact


@pytest.fixture
def stranger(db):
    other = customers.organisation(name="Andere AG")
    user = User.objects.create_user("fremd", email="fremd@andere.example", password="x" * 20,
                                    role=User.Role.CUSTOMER, customer=other)
    PortalRight.objects.create(user=user, customer=other, site=None, can_order=True)
    return user


@pytest.fixture
def template(buyer, company, products):
    return order_template_save(actor=buyer, site=sites_of(company)[0], name="Monatsbedarf",
                               quantities={"TON-100": 3, "PAP-A4": 4})


def test_save_the_order_form_as_a_template_and_start_an_order_from_it(buyer, company, products):
    site = sites_of(company)[0]
    client = client_for(buyer)
    response = client.post(f"/portal/orders/new/{site.pk}/", {
        "qty_TON-100": "2", "qty_KAF-1": "5", "qty_PAP-A4": "", "action": "review", "template_name": " Büro  Monat ",
    } | {"action": "save_template"})
    template = OrderTemplate.objects.get()
    assert (template.site, template.name, template.created_by) == (site, "Büro Monat", buyer)
    assert {(line.product.sku, line.quantity) for line in template.lines.all()} == {("TON-100", 2), ("KAF-1", 5)}
    assert response.status_code == 302
    assert response["Location"] == f"/portal/orders/new/{site.pk}/?template={template.pk}"
    page = client.get(response["Location"]).content.decode()
    assert re.search(r'name="qty_TON-100" value="2"', page) and re.search(r'name="qty_KAF-1" value="5"', page)
    assert "Büro Monat" in page
    assert not Order.objects.exists()


def test_saving_needs_a_name_and_a_quantity(buyer, company, products):
    site = sites_of(company)[0]
    client = client_for(buyer)
    nameless = client.post(f"/portal/orders/new/{site.pk}/", {"qty_TON-100": "2", "action": "save_template"})
    assert nameless.status_code == 422 and b'id="err-template-name"' in nameless.content
    assert b'name="qty_TON-100" value="2"' in nameless.content  # nothing typed is lost
    empty = client.post(f"/portal/orders/new/{site.pk}/", {"template_name": "Leer", "action": "save_template"})
    assert empty.status_code == 422
    bad = client.post(f"/portal/orders/new/{site.pk}/", {"qty_TON-100": "viele", "template_name": "X",
                                                         "action": "save_template"})
    assert bad.status_code == 422
    assert not OrderTemplate.objects.exists()


def test_the_same_name_replaces_the_template(buyer, company, products, template):
    order_template_save(actor=buyer, site=template.site, name="Monatsbedarf", quantities={"KAF-1": 1})
    assert OrderTemplate.objects.count() == 1
    assert [(line.product.sku, line.quantity) for line in template.lines.all()] == [("KAF-1", 1)]


def test_prices_are_todays_and_inactive_products_are_left_out_with_a_notice(buyer, company, products, template):
    Product.objects.filter(sku="PAP-A4").update(active=False)
    PriceList.objects.create(customer=company, name="Sonderpreise", discount_percent=Decimal("10"))
    client = client_for(buyer)
    page = client.get(f"/portal/orders/new/{template.site_id}/?template={template.pk}").content.decode()
    assert "Papier A4 can no longer be ordered" in page or "Papier A4 kann nicht mehr bestellt" in page
    assert 'name="qty_TON-100" value="3"' in page and "qty_PAP-A4" not in page
    assert "44,91" in page  # 49,90 less 10 %, today's price
    review = client.post(f"/portal/orders/new/{template.site_id}/", {"qty_TON-100": "3", "action": "review"})
    assert "134,73" in review.content.decode()


def test_the_sites_page_lists_each_sites_templates(buyer, company, products, template):
    second = sites_of(company)[1]
    PortalRight.objects.filter(user=buyer, site=second).update(can_order=True)
    other = order_template_save(actor=buyer, site=second, name="Lager", quantities={"KAF-1": 2})
    page = client_for(buyer).get("/portal/orders/new/").content.decode()
    assert f"?template={template.pk}" in page and f"?template={other.pk}" in page


def test_rename_and_delete(buyer, company, products, template):
    client = client_for(buyer)
    url = f"/portal/orders/templates/{template.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Toner schwarz" in page.content
    order_template_save(actor=buyer, site=template.site, name="Quartal", quantities={"KAF-1": 1})
    taken = client.post(url, {"name": "Quartal"})
    assert taken.status_code == 422 and b'id="err-name"' in taken.content
    assert client.post(url, {"name": "  "}).status_code == 422
    assert client.post(url, {"name": "Jahresbedarf"}).status_code == 302
    assert OrderTemplate.objects.get(pk=template.pk).name == "Jahresbedarf"
    assert client.get(f"{url}delete/").status_code == 405
    deleted = client.post(f"{url}delete/")
    assert deleted.status_code == 302 and deleted["Location"] == f"/portal/orders/new/{template.site_id}/"
    assert not OrderTemplate.objects.filter(pk=template.pk).exists()


def test_who_may_see_use_change_and_delete_a_template(buyer, stranger, company, products, template, agent):
    url = f"/portal/orders/templates/{template.pk}/"
    use = f"/portal/orders/new/{template.site_id}/?template={template.pk}"
    for path in (url, use):
        assert client_for(None).get(path).status_code == 302
        assert client_for(stranger).get(path).status_code == 404
        assert client_for(agent).get(path).status_code == 403
        assert client_for(buyer).get(path).status_code == 200
    assert client_for(None).post(f"{url}delete/").status_code == 302
    assert client_for(stranger).post(url, {"name": "Fremd"}).status_code == 404
    assert client_for(stranger).post(f"{url}delete/").status_code == 404
    # A colleague who only sees the site's orders, without the right to order there.
    viewer = User.objects.create_user("leser", email="leser@druckerei.example", password="x" * 20,
                                      role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=viewer, customer=company, site=template.site, can_order=False)
    assert client_for(viewer).get(url).status_code == 404
    assert client_for(viewer).post(f"{url}delete/").status_code == 404
    assert client_for(viewer).post(f"/portal/orders/new/{template.site_id}/", {
        "qty_TON-100": "1", "template_name": "Meins", "action": "save_template"}).status_code == 404
    # A template of one site does not fill another site's form.
    second = sites_of(company)[1]
    PortalRight.objects.filter(user=buyer, site=second).update(can_order=True)
    assert client_for(buyer).get(f"/portal/orders/new/{second.pk}/?template={template.pk}").status_code == 404
    assert OrderTemplate.objects.get(pk=template.pk).name == "Monatsbedarf"


def test_services_refuse_who_may_not_order_for_the_site(stranger, company, products, template):
    with pytest.raises(Exception) as raised:
        order_template_save(actor=stranger, site=template.site, name="X", quantities={"TON-100": 1})
    assert raised.type.__name__ == "Http404"
    for call in (lambda: order_template_rename(actor=stranger, template=template, name="Y"),
                 lambda: order_template_delete(actor=stranger, template=template)):
        with pytest.raises(Exception) as raised:
            call()
        assert raised.type.__name__ == "Http404"
    with pytest.raises(DomainValidationError):
        order_template_save(actor=None, site=template.site, name="Alt", quantities={"ALT-1": 1})
    assert OrderTemplate.objects.count() == 1
