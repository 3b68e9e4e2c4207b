"""The presence switch: who may set it, what it stores, and that going away hands work over."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from kundennah.core.models import Event
from kundennah.service.models import AgentPresence
from kundennah.service.services import concern_assign
from kundennah.service.sla import presence_of
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db
URL = "/service/presence/"


def test_url_name():
    assert reverse("service:presence") == URL


def test_anonymous_goes_to_login_and_customer_contacts_are_refused(customer_contact):
    assert client_for(None).post(URL, {"status": "away"}).status_code == 302
    assert client_for(customer_contact).post(URL, {"status": "away"}).status_code == 403
    assert client_for(customer_contact).get(URL).status_code == 403
    assert not AgentPresence.objects.exists()


def test_agent_sets_their_own_presence_with_htmx(agent, other_team_agent):
    response = client_for(agent).post(URL, {"status": "away"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'value="away" selected' in response.content
    assert presence_of(agent) == AgentPresence.Status.AWAY
    # Only their own: the other agent is untouched.
    assert presence_of(other_team_agent) == AgentPresence.Status.AVAILABLE
    assert Event.objects.filter(name="agent.presence_changed", aggregate_id=str(agent.pk)).count() == 1


def test_without_htmx_the_switch_goes_back_to_the_page(agent):
    response = client_for(agent).post(URL, {"status": "off", "next": "/customers/"})
    assert response.status_code == 302 and response["Location"] == "/customers/"
    response = client_for(agent).post(URL, {"status": "available", "next": "https://evil.example/"})
    assert response["Location"] == reverse("service:inbox")


def test_unknown_status_changes_nothing(agent):
    response = client_for(agent).post(URL, {"status": "asleep"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert not AgentPresence.objects.exists()


def test_switch_loads_into_the_navbar(agent):
    page = client_for(agent).get(reverse("customers:list"))
    assert f'hx-get="{URL}"'.encode() in page.content
    switch = client_for(agent).get(URL)
    assert switch.status_code == 200 and b'name="status"' in switch.content


def test_going_away_hands_open_concerns_to_a_colleague(agent, team_lead, django_capture_on_commit_callbacks):
    concern = concern_assign(concern=factories.concern(), actor=team_lead, assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(agent).post(URL, {"status": "away"}, headers={"HX-Request": "true"})
    concern.refresh_from_db()
    assert concern.assignee == team_lead


def test_setting_the_same_presence_twice_records_one_change(agent):
    client = client_for(agent)
    client.post(URL, {"status": "off"}, headers={"HX-Request": "true"})
    client.post(URL, {"status": "off"}, headers={"HX-Request": "true"})
    assert Event.objects.filter(name="agent.presence_changed").count() == 1
