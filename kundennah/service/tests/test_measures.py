"""Measures on a small known data set, the dashboard, the CSV export and who may see them."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from kundennah.core.csvsafe import csv_write
from kundennah.service.calendar import business_between
from kundennah.service.measures import MeasuresQuery, measures_compute, percentile
from kundennah.service.models import Category, Concern
from kundennah.service.promise import calendar_of
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


@pytest.fixture
def known(agent, team):
    """Four concerns received on a Monday three weeks ago, with times we know."""
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday() + 21)
    at = dt.datetime.combine(monday, dt.time(9), tzinfo=timezone.get_current_timezone())
    fast = factories.concern(subject="Schnell beantwortet", received_at=at)
    slow = factories.concern(subject="Spät beantwortet", received_at=at)
    silent = factories.concern(subject="Noch ohne Antwort", received_at=at)
    callback = factories.concern(subject="Rückruf", channel="phone", kind=Concern.Kind.CALLBACK,
                                 contact_phone="+49 30 1234567", received_at=at + H)
    due = at + dt.timedelta(days=1, hours=9)  # Tuesday 18:00
    Concern.objects.filter(pk=fast.pk).update(
        first_response_due_at=due, first_responded_at=at + 2 * H, human_reached_at=at + 2 * H,
        status=Concern.Status.RESOLVED, resolved_at=at + 4 * H)
    Concern.objects.filter(pk=slow.pk).update(
        first_response_due_at=due, first_responded_at=at + 48 * H, human_reached_at=at + 48 * H,
        status=Concern.Status.OPEN)
    Concern.objects.filter(pk=silent.pk).update(first_response_due_at=due, status=Concern.Status.NEW)
    Concern.objects.filter(pk=callback.pk).update(
        first_response_due_at=at + 3 * H, first_responded_at=at + 1.5 * H, human_reached_at=at + 1.5 * H,
        status=Concern.Status.OPEN)
    return {"at": at, "monday": monday, "team": team}


def _compute(user, known, **filters):
    from kundennah.service.selectors import concerns_visible_to

    query = MeasuresQuery(date_from=known["monday"], date_to=known["monday"], **filters)
    return measures_compute(query=query, visible=concerns_visible_to(user), now=known["at"] + 21 * 24 * H)


def test_percentile_is_a_value_that_occurred():
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([float(n) for n in range(1, 11)], 0.9) == 9.0
    assert percentile([1.0, 2.0], 0.5) == 1.0


def test_measures_on_a_known_data_set(team_lead, known):
    m = _compute(team_lead, known)
    assert m.received == 4
    # First responses: 2 h, 48 h and the callback's 0.5 h.
    assert m.first_response.count == 3
    assert m.first_response.median_hours == 2.0
    assert m.first_response.p90_hours == 48.0
    cal = calendar_of(known["team"])
    slow_business = business_between(cal, known["at"], known["at"] + 48 * H) / H
    assert m.first_response.p90_business_hours == round(slow_business, 2)
    assert m.resolution.count == 1 and m.resolution.median_hours == 4.0
    assert m.to_human.count == 3 and m.to_human.median_hours == 2.0
    assert m.to_human_callbacks.count == 1 and m.to_human_callbacks.median_hours == 0.5
    # Kept: the fast one and the callback; broken: the slow one and the silent one past due.
    assert (m.kept.kept, m.kept.total, m.kept.share) == (2, 4, 50.0)
    by_channel = [(row.kept, row.total) for row in m.kept_by_channel]
    assert sorted(by_channel) == [(1, 1), (1, 3)]
    assert [(row.label, row.kept, row.total) for row in m.kept_by_team] == [("Service Nord", 2, 4)]
    assert [count for _label, count in m.backlog_by_status] == [1, 2, 0, 0]  # new, open, waiting ×2
    assert m.backlog == 3
    assert [count for _label, count in m.backlog_by_age] == [0, 0, 0, 3, 0]


def test_filters_narrow_the_measures(team_lead, other_team, known):
    assert _compute(team_lead, known, team_id=other_team.pk).received == 0
    assert _compute(team_lead, known, channel="phone").received == 1


def test_measures_cost_a_fixed_number_of_queries(team_lead, known, django_assert_max_num_queries):
    for n in range(5):
        factories.concern(subject=f"Weiteres Anliegen {n}", received_at=known["at"])
    with django_assert_max_num_queries(12):
        _compute(team_lead, known)


def test_dashboard_for_team_leads_and_admins_only(agent, other_team_agent, team_lead, admin_user, customer_contact,
                                                  known):
    url = reverse("service:measures")
    assert client_for(None).get(url).status_code == 302
    assert client_for(customer_contact).get(url).status_code == 403
    assert client_for(agent).get(url).status_code == 403
    assert client_for(other_team_agent).get(url).status_code == 403
    response = client_for(team_lead).get(url, {"date_from": known["monday"].isoformat()})
    assert response.status_code == 200
    assert b"chart.umd.min.js" in response.content and b"measures-data" in response.content
    assert client_for(admin_user).get(url).status_code == 200


def test_dashboard_says_what_is_wrong_with_the_period(team_lead):
    response = client_for(team_lead).get(reverse("service:measures"), {"date_from": "2026-05-02",
                                                                      "date_to": "2026-05-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]


def test_dashboard_query_count(team_lead, known, django_assert_max_num_queries):
    client = client_for(team_lead)
    with django_assert_max_num_queries(20):
        client.get(reverse("service:measures"), {"date_from": known["monday"].isoformat()})


def test_csv_opens_in_german_excel_and_cannot_run_formulas(team_lead, known):
    category = Category.objects.create(name='=HYPERLINK("http://evil.example","Klick")')
    Concern.objects.filter(subject="Spät beantwortet").update(category=category)
    url = reverse("service:measures_csv")
    response = client_for(team_lead).get(url, {"date_from": known["monday"].isoformat(),
                                               "date_to": known["monday"].isoformat()})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(codecs.BOM_UTF8)
    text = response.content.decode("utf-8-sig")
    assert ";" in text.splitlines()[0]
    assert "HYPERLINK" in text
    for line in text.splitlines():
        for cell in line.split(";"):
            assert not cell.strip('"').startswith(("=", "+", "-", "@"))


def test_every_cell_that_looks_like_a_formula_is_quoted():
    buffer = io.BytesIO()
    csv_write(buffer, ["Team"], [["=1+1"], ["+49 30"], ["-2"], ["@SUM(A1)"], ["Service Nord"], [3]])
    cells = buffer.getvalue().decode("utf-8-sig").splitlines()
    assert cells == ["Team", "'=1+1", "'+49 30", "'-2", "'@SUM(A1)", "Service Nord", "3"]


def test_csv_permissions(agent, customer_contact, team_lead):
    url = reverse("service:measures_csv")
    assert client_for(None).get(url).status_code == 302
    assert client_for(customer_contact).get(url).status_code == 403
    assert client_for(agent).get(url).status_code == 403
    assert client_for(team_lead).get(url).status_code == 200


# --- Service settings in the admin (team leads and admins) --------------------------------------


@pytest.mark.parametrize("model", ["teamcalendar", "category", "resolutiontarget", "routingrule", "answertemplate",
                                   "inboundsource", "agentpresence", "concern"])
def test_admin_pages_open_for_leads_and_stay_closed_to_agents(team_lead, agent, model, known):
    for user in (team_lead, agent):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    url = reverse(f"admin:service_{model}_changelist")
    assert client_for(team_lead).get(url).status_code == 200
    assert client_for(agent).get(url).status_code == 403


def test_lead_sets_business_hours_per_weekday(team_lead, team):
    from kundennah.service.models import TeamCalendar

    team_lead.is_staff = True
    team_lead.save(update_fields=["is_staff"])
    form = {"team": team.pk, "time_zone": "Europe/Berlin", "state": "BY", "phone": "",
            "closing_days-TOTAL_FORMS": "1", "closing_days-INITIAL_FORMS": "0",
            "closing_days-0-date": "2026-12-24", "closing_days-0-name": "Heiligabend"}
    for day in range(5):
        form[f"opens_{day}"], form[f"closes_{day}"] = "09:00", "17:00"
    response = client_for(team_lead).post(reverse("admin:service_teamcalendar_add"), form)
    assert response.status_code == 302, response.content[:2000]
    calendar = TeamCalendar.objects.get(team=team)
    assert calendar.hours == {str(d): ["09:00", "17:00"] for d in range(5)}
    assert calendar.closing_days.get().name == "Heiligabend"


def test_inbound_secret_is_never_shown_again(admin_user):
    from kundennah.service.models import InboundSource

    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    source = InboundSource.objects.create(name="chat", channel="chat", secret="s3cret-s3cret-s3cret-42")
    client = client_for(admin_user)
    page = client.get(reverse("admin:service_inboundsource_change", args=[source.pk]))
    assert page.status_code == 200 and b"s3cret" not in page.content
    assert b"s3cret" not in client.get(reverse("admin:service_inboundsource_changelist")).content
    client.post(reverse("admin:service_inboundsource_change", args=[source.pk]),
                {"name": "chat", "channel": "chat", "secret": "", "active": "on"})
    source.refresh_from_db()
    assert source.secret == "s3cret-s3cret-s3cret-42"
