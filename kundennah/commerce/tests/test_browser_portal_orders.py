"""In a real browser: the central purchaser of a company with three sites orders for two of them;
each confirmation shows that site's delivery address, invoice address and IBAN."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kundennah.accounts.models import User
from kundennah.commerce.models import Order, PortalRight, Product
from kundennah.customers.models import BankAccount, Site
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db(transaction=True)


def test_central_purchaser_orders_for_two_sites_and_each_confirmation_shows_that_sites_data(page, mailoutbox):
    company = customers.organisation(name="Bäckerei Beispiel", sites=[
        customers.site_input("Backstube", postal_code="81539", city="München"),
        customers.site_input("Filiale Nord", postal_code="80802", city="München", iban="DE02120300000000202051"),
        customers.site_input("Filiale Süd", postal_code="81371", city="München", iban="DE75512108001245126199"),
    ])
    BankAccount.objects.filter(customer=company).update(mandate_signed_on=dt.date(2026, 1, 5))
    Product.objects.create(sku="MEHL-550", name="Weizenmehl 550", unit="Sack", list_price=Decimal("18.90"),
                           vat_rate=Decimal("7.00"))
    buyer = User.objects.create_user("zentraleinkauf", email="einkauf@beispiel.example", password="test-password-123",
                                     role=User.Role.CUSTOMER, customer=company, first_name="Petra")
    PortalRight.objects.create(user=buyer, customer=company, site=None, can_order=True)
    sites = list(Site.objects.filter(organisation=company).order_by("id"))

    page.goto("/accounts/login/")
    page.fill("#id_login", "zentraleinkauf")
    page.fill("#id_password", "test-password-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/portal/**")

    expected = {sites[1]: ("80802 München", "DE02 **** **** **** **20 51"),
                sites[2]: ("81371 München", "DE75 **** **** **** **61 99")}
    for site, (postcode, iban) in expected.items():
        page.goto("/portal/orders/new/")
        page.click(f"text={site.name}")
        page.fill("input[name='qty_MEHL-550']", "5")
        page.click("main button[type=submit]")
        page.wait_for_selector("button[value=place]")
        assert postcode in page.inner_text("[data-testid=delivery]")
        page.click("button[value=place]")
        page.wait_for_url("**/portal/orders/*/")
        assert postcode in page.inner_text("[data-testid=delivery]")
        assert postcode in page.inner_text("[data-testid=invoice]")
        assert iban in page.inner_text("[data-testid=payment]")
        for other_site, (_other_postcode, other_iban) in expected.items():
            if other_site != site:
                assert other_iban not in page.inner_text("main")

    orders = list(Order.objects.order_by("id"))
    assert [o.site_id for o in orders] == [sites[1].pk, sites[2].pk]
    assert [o.iban_masked for o in orders] == ["DE02 **** **** **** **20 51", "DE75 **** **** **** **61 99"]
    # The confirmation mails went out after commit, each with its own site's data and a PDF.
    assert len(mailoutbox) == 2
    for mail, order in zip(mailoutbox, orders, strict=True):
        assert order.number in mail.subject and order.iban_masked in mail.body
        assert mail.attachments[0][2] == "application/pdf"
