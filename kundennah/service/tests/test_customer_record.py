"""The service desk on the central customer record: open concerns in the 360 API, the portal home."""

from __future__ import annotations

import pytest

from conftest import client_for
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.models import RoutingRule
from kundennah.service.tests.factories import concern as make_concern

pytestmark = pytest.mark.django_db


def test_customer_api_lists_the_open_concerns_the_agent_may_see(team, other_team, agent):
    hans = customers.person()
    mine = make_concern(customer=hans, subject="Zählerstand falsch")
    done = make_concern(customer=hans, subject="Adresse geändert")
    services.concern_transition(concern=done, status="resolved", actor=agent)
    RoutingRule.objects.create(channel="chat", team=other_team, position=1)
    make_concern(customer=hans, channel="chat", subject="Frage im Chat")

    body = client_for(agent).get(f"/api/v1/customers/{hans.pk}").json()

    assert [c["reference"] for c in body["open_concerns"]] == [mine.reference]
    assert body["open_concerns"][0]["team"] == team.name
    assert body["open_concerns"][0]["due_at"] is not None


def test_customer_contact_lands_in_the_portal_after_login(customer_contact):
    response = client_for(customer_contact).get("/")
    assert response.status_code == 302 and response["Location"] == "/portal/"


def test_agent_lands_on_the_customer_list(agent):
    assert client_for(agent).get("/")["Location"] == "/customers/"
