"""Fixtures of the ordering tests: a company with three sites (two with a signed SEPA mandate,
one without a bank account) and a catalogue with an inactive product."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from kundennah.commerce.models import Product
from kundennah.commerce.tests.factories import IBAN_SECOND
from kundennah.customers.models import BankAccount
from kundennah.customers.tests import factories as customers


@pytest.fixture
def company():
    company = customers.organisation(name="Druckerei Beispiel", sites=[
        customers.site_input("Werk Augsburg", postal_code="86150", city="Augsburg"),
        customers.site_input("Lager München", postal_code="80331", city="München", iban=IBAN_SECOND),
        customers.site_input("Büro Köln", postal_code="50667", city="Köln", iban=""),
    ])
    # Both accounts carry a signed SEPA mandate: direct debit is allowed there.
    BankAccount.objects.filter(customer=company).update(mandate_signed_on=dt.date(2026, 1, 15))
    return company


@pytest.fixture
def products():
    return {
        "toner": Product.objects.create(sku="TON-100", name="Toner schwarz", unit="Stück", list_price=Decimal("49.90")),
        "paper": Product.objects.create(sku="PAP-A4", name="Papier A4", unit="Karton", list_price=Decimal("24.00"),
                                        min_quantity=2),
        "coffee": Product.objects.create(sku="KAF-1", name="Kaffee", unit="kg", list_price=Decimal("12.50"),
                                         vat_rate=Decimal("7.00")),
        "old": Product.objects.create(sku="ALT-1", name="Altes Modell", list_price=Decimal("1.00"), active=False),
    }
