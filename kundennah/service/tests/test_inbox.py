"""The agent's inbox: who sees what, in which order, and what a page costs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.inbox import InboxQuery, inbox_page
from kundennah.service.models import Concern
from kundennah.service.promise import PAUSED_SORTS_AT
from kundennah.service.tests.factories import concern as make_concern

pytestmark = pytest.mark.django_db
INBOX = reverse("service:inbox")


def _due(when):
    # What the promise keeps in step: the due time and the inbox's sort key.
    return {"due_at": when, "inbox_due_at": when}


def references(response) -> list[str]:
    return [c.reference for c in [*response.context["page"].callbacks, *response.context["page"].rows]]


# --- Permissions -----------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_customer_contacts_are_refused_the_inbox(customer_contact):
    assert client_for(customer_contact).get(INBOX).status_code == 403
    response = client_for(customer_contact).post(reverse("service:bulk"), {"ids": [1], "action": "close"})
    assert response.status_code == 403


def test_agent_of_another_team_does_not_see_the_teams_concerns(agent, other_team_agent):
    concern = make_concern()
    assert concern.team.members.filter(pk=agent.pk).exists()
    response = client_for(other_team_agent).get(INBOX, {"view": "all"})
    assert response.status_code == 200
    assert concern.reference not in references(response)


@pytest.mark.parametrize("persona", ["agent", "team_lead", "admin_user"])
def test_rightful_users_see_the_teams_concern(request, persona):
    user = request.getfixturevalue(persona)
    request.getfixturevalue("agent")
    concern = make_concern()
    response = client_for(user).get(INBOX, {"view": "all"})
    assert response.status_code == 200
    assert concern.reference in references(response)
    assert concern.subject in response.content.decode()


def test_bulk_actions_leave_concerns_of_other_teams_alone(agent, other_team_agent):
    concern = make_concern()
    response = client_for(other_team_agent).post(reverse("service:bulk"), {"ids": [concern.pk], "action": "close"},
                                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW


# --- Views, order and filters ----------------------------------------------------------------

def test_inbox_is_sorted_by_due_time_with_callbacks_on_top(agent):
    now = timezone.now()
    late = make_concern(subject="Später fällig", received_at=now - dt.timedelta(minutes=1))
    early = make_concern(subject="Früher fällig", received_at=now - dt.timedelta(days=3))
    callback = make_concern(kind=Concern.Kind.CALLBACK, subject="Bitte zurückrufen", contact_phone="030 1234567",
                            received_at=now)
    Concern.objects.filter(pk=late.pk).update(**_due(now + dt.timedelta(days=2)))
    Concern.objects.filter(pk=early.pk).update(**_due(now + dt.timedelta(hours=2)))
    response = client_for(agent).get(INBOX, {"view": "all"})
    assert references(response) == [callback.reference, early.reference, late.reference]


def test_concerns_without_due_time_come_last(agent):
    undated = make_concern(subject="Ohne Frist")
    dated = make_concern(subject="Mit Frist")
    Concern.objects.filter(pk=undated.pk).update(due_at=None, inbox_due_at=PAUSED_SORTS_AT)
    Concern.objects.filter(pk=dated.pk).update(**_due(timezone.now() + dt.timedelta(days=5)))
    assert references(client_for(agent).get(INBOX, {"view": "all"})) == [dated.reference, undated.reference]


def test_views_show_mine_unassigned_at_risk_overdue_and_callbacks(agent, team_lead):
    mine = make_concern(subject="Meins")
    services.concern_assign(concern=mine, actor=agent, assignee=agent)
    unassigned = make_concern(subject="Niemandes")
    services.concern_unassign(concern=unassigned, actor=agent)
    at_risk = make_concern(subject="Knapp")
    services.concern_assign(concern=at_risk, actor=agent, assignee=team_lead)
    Concern.objects.filter(pk=at_risk.pk).update(sla_state=Concern.Sla.AT_RISK)
    overdue = make_concern(subject="Zu spät")
    services.concern_assign(concern=overdue, actor=agent, assignee=team_lead)
    Concern.objects.filter(pk=overdue.pk).update(**_due(timezone.now() - dt.timedelta(hours=1)))
    callback = make_concern(kind=Concern.Kind.CALLBACK, contact_phone="030 7654321", subject="Rückruf")
    services.concern_assign(concern=callback, actor=agent, assignee=team_lead)
    client = client_for(agent)

    def view(name: str) -> set[str]:
        page = client.get(INBOX, {"view": name}).context["page"]
        return {c.reference for c in page.rows}

    assert view("mine") == {mine.reference}
    assert view("unassigned") == {unassigned.reference}
    assert view("at_risk") == {at_risk.reference}
    assert view("overdue") == {overdue.reference}
    assert view("callbacks") == {callback.reference}


def test_filters_narrow_the_list_and_closed_concerns_need_their_status(agent):
    phone = make_concern(channel="phone", subject="Anruf wegen Zählerstand", contact_phone="030 1111111")
    mail = make_concern(channel="email", subject="Mail wegen Rechnung", priority="high")
    done = make_concern(subject="Längst erledigt")
    services.concern_transition(concern=done, status=Concern.Status.CLOSED, actor=agent)
    client = client_for(agent)
    assert references(client.get(INBOX, {"view": "all", "channel": "phone"})) == [phone.reference]
    assert references(client.get(INBOX, {"view": "all", "priority": "high"})) == [mail.reference]
    assert references(client.get(INBOX, {"view": "all", "q": "zählerstand"})) == [phone.reference]
    assert references(client.get(INBOX, {"view": "all", "q": mail.reference})) == [mail.reference]
    assert done.reference not in references(client.get(INBOX, {"view": "all"}))
    assert references(client.get(INBOX, {"view": "all", "status": "closed"})) == [done.reference]


def test_nonsense_in_the_query_string_is_ignored_not_an_error(agent):
    response = client_for(agent).get(INBOX, {"view": "<script>", "page": "x", "team": "abc", "status": "nope"})
    assert response.status_code == 200
    assert response.context["query"].view == "team"


def test_rows_show_unidentified_contact_and_due_badge(agent):
    make_concern(contact_name="Erika Mustermann", contact_email="erika@example.org")
    body = client_for(agent).get(INBOX, {"view": "all"}).content.decode()
    assert "Erika Mustermann" in body
    assert "due-badge" in body


def test_pages_go_on_without_counting_everything(agent, monkeypatch):
    monkeypatch.setattr("kundennah.service.inbox.PAGE_SIZE", 3)
    made = [make_concern(subject=f"Anliegen {i}") for i in range(5)]
    first = inbox_page(user=agent, query=InboxQuery(view="all"))
    second = inbox_page(user=agent, query=InboxQuery(view="all", page=2))
    assert first.has_next and not second.has_next
    assert {c.pk for c in first.rows + second.rows} == {c.pk for c in made}


# --- Cost ------------------------------------------------------------------------------------

def test_inbox_page_costs_the_same_queries_for_5_or_30_concerns(agent, django_assert_num_queries):
    hans = customers.person(agent)
    client = client_for(agent)
    for i in range(5):
        make_concern(customer=hans if i % 2 else None, subject=f"Anliegen {i}")
    make_concern(kind=Concern.Kind.CALLBACK, contact_phone="030 2222222")
    client.get(INBOX)  # session and permission caches warm
    with CaptureQueriesContext(connection) as few:
        assert client.get(INBOX, {"view": "all"}).status_code == 200
    for i in range(25):
        concern = make_concern(customer=hans if i % 2 else None, subject=f"Mehr {i}")
        if i % 3 == 0:
            services.concern_assign(concern=concern, actor=agent, assignee=agent)
    with django_assert_num_queries(len(few)):
        response = client.get(INBOX, {"view": "all"})
    assert len(response.context["page"].rows) == 30
    assert len(few) <= 10


def test_polling_returns_only_the_list(agent):
    make_concern()
    response = client_for(agent).get(INBOX, {"view": "all", "partial": "list"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="inbox-list"' in body and "every 30s" in body
    assert "<html" not in body


# --- Bulk ------------------------------------------------------------------------------------

def test_bulk_assign_to_me_and_close(agent, team_lead):
    first, second = make_concern(subject="Eins"), make_concern(subject="Zwei")
    client = client_for(agent)
    response = client.post(reverse("service:bulk"), {"ids": [first.pk, second.pk], "action": "assign_me",
                                                     "view": "all"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert set(Concern.objects.values_list("assignee", flat=True)) == {agent.pk}
    client.post(reverse("service:bulk"), {"ids": [first.pk], "action": "close"}, HTTP_HX_REQUEST="true")
    assert Concern.objects.get(pk=first.pk).status == Concern.Status.CLOSED
    assert Concern.objects.get(pk=second.pk).status == Concern.Status.NEW


def test_bulk_assign_to_an_agent_outside_the_team_says_which_failed(agent, other_team_agent):
    concern = make_concern()
    response = client_for(agent).post(reverse("service:bulk"), {
        "ids": [concern.pk], "action": "assign_agent", "assignee": other_team_agent.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert concern.reference in response.content.decode()
    concern.refresh_from_db()
    assert concern.assignee != other_team_agent


def test_bulk_without_selection_is_a_form_error(agent):
    response = client_for(agent).post(reverse("service:bulk"), {"action": "close"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 422


def test_customer_360_shows_the_customers_open_concerns(agent):
    hans = customers.person(agent)
    concern = make_concern(customer=hans, subject="Zählertausch")
    response = client_for(agent).get(reverse("service:customer_concerns", args=[hans.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert concern.reference in body and 'id="kpi-open-concerns"' in body
    detail = client_for(agent).get(reverse("customers:detail", args=[hans.pk])).content.decode()
    assert reverse("service:customer_concerns", args=[hans.pk]) in detail


# --- In a real browser -----------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_agent_moves_through_the_inbox_with_j_k_and_opens_with_enter(page, agent):
    from playwright.sync_api import expect

    from conftest import login

    now = timezone.now()
    made = []
    for hours in (1, 2, 3):
        concern = make_concern(subject=f"Fällig in {hours} Stunden")
        Concern.objects.filter(pk=concern.pk).update(**_due(now + dt.timedelta(hours=hours)))
        made.append(concern)
    login(page, agent.username)
    page.goto(INBOX + "?view=all")
    rows = page.locator("#inbox-rows .inbox-row")
    expect(rows.first).to_have_class(re.compile("is-current"))
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(rows.nth(1)).to_have_class(re.compile("is-current"))
    page.keyboard.press("x")
    expect(rows.nth(1).locator(".inbox-check")).to_be_checked()
    expect(page.locator("#inbox-selected-count")).to_have_text("1")
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_contain_text("j")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/service/concerns/{made[1].pk}/")
    expect(page.locator("h1")).to_contain_text("Fällig in 2 Stunden")
    page.keyboard.press("r")
    expect(page.locator("#form-reply textarea")).to_be_focused()
