"""The feedback API: drivers, answers and balances for leads; the 360 carries the balance."""

from __future__ import annotations

import pytest

from conftest import client_for
from kundennah.feedback.insights import insights_recompute
from kundennah.feedback.services import customer_balance_refresh
from kundennah.feedback.tests.conftest import LATE

pytestmark = pytest.mark.django_db


def test_drivers_endpoint_returns_ranked_drivers_with_quotes_and_actions(story, admin_user):
    insights_recompute()
    body = client_for(admin_user).get("/api/v1/insights/drivers?months=3").json()
    assert body["answers"] == 70
    impacts = [d["impact"] for d in body["drivers"]]
    assert impacts == sorted(impacts, reverse=True) and impacts
    late = next(d for d in body["drivers"] if d["kind"] == "topic" and d["mean"] < 0)
    assert late["quotes"][0]["text"] in LATE
    assert late["suggested_action"]


def test_drivers_endpoint_needs_a_lead(story, agent, customer_contact):
    assert client_for(None).get("/api/v1/insights/drivers").status_code == 401
    assert client_for(agent).get("/api/v1/insights/drivers").json()["code"] == "forbidden"
    assert client_for(customer_contact).get("/api/v1/insights/drivers").status_code == 403


def test_answers_and_balances_are_paged_and_scoped_to_the_leads_teams(story, team_lead):
    customer_balance_refresh(customer_id=story.pk)
    client = client_for(team_lead)
    first = client.get("/api/v1/feedback/responses?limit=50").json()
    assert len(first["items"]) == 50 and first["next_cursor"]
    rest = client.get(f"/api/v1/feedback/responses?limit=50&cursor={first['next_cursor']}").json()
    assert len(rest["items"]) == 10 and rest["next_cursor"] is None  # the other team's 10 are not there
    balances = client.get("/api/v1/feedback/balances").json()["items"]
    assert [b["customer_id"] for b in balances] == [story.pk]


def test_customer_360_in_the_api_carries_balance_and_trend(story, agent):
    customer_balance_refresh(customer_id=story.pk)
    body = client_for(agent).get(f"/api/v1/customers/{story.pk}").json()
    assert body["balance"]["answers"] == 60
    assert body["balance"]["trend"] in {"rising", "steady", "falling"}
    assert -100 <= body["balance"]["running"] <= 100
