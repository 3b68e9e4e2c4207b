"""The portal's invoices: invoiced orders of the sites a contact may see invoices for, newest
first; nobody else's, and a 403 for contacts without the right."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.models import Order, OrderStatus, PortalRight
from kundennah.commerce.pricing import LineInput
from kundennah.commerce.services import order_fulfilment_update, order_place
from kundennah.commerce.tests.factories import sites_of
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db


def invoiced(site, number: str, days_ago: int) -> Order:
    order = order_place(actor=None, site=site, lines=[LineInput(sku="TON-100", quantity=1)])
    order = order_fulfilment_update(actor=None, order=order, status=OrderStatus.INVOICED, invoice_number=number)
    Order.objects.filter(pk=order.pk).update(invoiced_at=timezone.now() - dt.timedelta(days=days_ago))
    return order


def contact(company, username: str, rights: list[dict]) -> User:
    user = User.objects.create_user(username, email=f"{username}@druckerei.example", password="x" * 20,
                                    role=User.Role.CUSTOMER, customer=company)
    for right in rights:
        PortalRight.objects.create(user=user, customer=company, **right)
    return user


@pytest.fixture
def invoices(company, products):
    first, second, _third = sites_of(company)
    return {"old": invoiced(first, "R-2026-001", 20), "new": invoiced(second, "R-2026-002", 2),
            "mid": invoiced(first, "R-2026-003", 10),
            "open": order_place(actor=None, site=first, lines=[LineInput(sku="KAF-1", quantity=1)])}


def test_a_contact_with_the_right_for_all_sites_sees_every_invoice_newest_first(company, invoices):
    accountant = contact(company, "buchhaltung", [{"site": None, "can_order": False, "can_see_invoices": True}])
    page = client_for(accountant).get("/portal/orders/invoices/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.index("R-2026-002") < text.index("R-2026-003") < text.index("R-2026-001")
    assert invoices["open"].number not in text
    assert f"/portal/orders/{invoices['new'].pk}/pdf/" in text and f"/portal/orders/{invoices['new'].pk}/" in text
    first = sites_of(company)[0]
    filtered = client_for(accountant).get(f"/portal/orders/invoices/?site={first.pk}").content.decode()
    assert "R-2026-001" in filtered and "R-2026-003" in filtered and "R-2026-002" not in filtered
    # The orders page links to the invoices.
    assert "/portal/orders/invoices/" in client_for(accountant).get("/portal/orders/").content.decode()


def test_the_right_for_one_site_shows_only_that_sites_invoices(company, invoices):
    first, second, _third = sites_of(company)
    user = contact(company, "werk", [{"site": first, "can_see_invoices": True}, {"site": second}])
    text = client_for(user).get("/portal/orders/invoices/").content.decode()
    assert "R-2026-001" in text and "R-2026-003" in text and "R-2026-002" not in text
    # A site whose orders they see, but not its invoices, is not theirs to filter by.
    assert client_for(user).get(f"/portal/orders/invoices/?site={second.pk}").status_code == 404


def test_who_may_not_see_invoices(company, invoices, agent):
    url = "/portal/orders/invoices/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(agent).get(url).status_code == 403
    buyer = contact(company, "einkauf", [{"site": None, "can_order": True}])
    assert client_for(buyer).get(url).status_code == 403
    assert url not in client_for(buyer).get("/portal/orders/").content.decode()
    other = customers.organisation(name="Andere AG")
    stranger = User.objects.create_user("fremd", email="fremd@andere.example", password="x" * 20,
                                        role=User.Role.CUSTOMER, customer=other)
    PortalRight.objects.create(user=stranger, customer=other, site=None, can_see_invoices=True)
    page = client_for(stranger).get(url)
    assert page.status_code == 200 and b"R-2026-00" not in page.content
    assert client_for(stranger).get(f"{url}?site={sites_of(company)[0].pk}").status_code == 404
