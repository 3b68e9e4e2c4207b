"""Test data for ordering: a company with three sites and a small catalogue."""

from __future__ import annotations

from kundennah.customers.models import Site

IBAN_SECOND = "DE02120300000000202051"


def sites_of(company) -> list[Site]:
    return list(Site.objects.filter(organisation=company).order_by("id"))
