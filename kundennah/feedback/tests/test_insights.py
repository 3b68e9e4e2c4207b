"""Insights that say what to do: drivers ranked by impact, with quotes, trend and a suggestion."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import client_for
from kundennah.accounts.models import Team
from kundennah.core.csvsafe import cell_safe
from kundennah.feedback.drivers import insight_filter, insights_overview
from kundennah.feedback.insights import insights_recompute
from kundennah.feedback.models import BalanceCell, DriverAction, InsightRun, Response
from kundennah.feedback.services import driver_action_create
from kundennah.feedback.tests.conftest import FRIENDLY, LATE, answer

pytestmark = pytest.mark.django_db

def test_recompute_scores_tone_finds_topics_and_sums_cells(story):
    run = insights_recompute()
    assert run.state == InsightRun.State.DONE, run.error
    assert run.responses == 70
    late = Response.objects.filter(comment__in=LATE).first()
    friendly = Response.objects.filter(comment__in=FRIENDLY).first()
    assert late.sentiment == "negative"
    assert friendly.sentiment == "positive"
    assert late.topic and friendly.topic and late.topic != friendly.topic
    labels = " ".join(t["label"] for t in run.results["topics"]).lower()
    assert "liefer" in labels or "spedition" in labels
    total = sum(BalanceCell.objects.filter(dimension="all").values_list("answers", flat=True))
    assert total == 70


def test_drivers_rank_late_delivery_first_with_quotes_and_a_suggestion(story, admin_user):
    insights_recompute()
    overview = insights_overview(user=admin_user, flt=insight_filter(months=3))
    assert overview.answers == 70
    top = overview.drivers[0]
    assert top.impact > 0 and top.mean < overview.mean
    kinds = {(d.dimension, d.label) for d in overview.drivers}
    assert any(d.dimension == "topic" and ("Liefer" in d.label or "Spedition" in d.label) for d in overview.drivers)
    assert ("channel", "Email") in kinds or ("channel", "E-Mail") in kinds
    late_topic = next(d for d in overview.drivers if d.dimension == "topic" and d.mean < 0)
    assert late_topic.quotes and all(q.text in LATE for q in late_topic.quotes)
    assert "Liefertermin" in late_topic.action or "delivery" in late_topic.action.lower()
    assert not any(d.dimension == "channel" and d.value == "phone" for d in overview.drivers)  # better than average


def test_lead_sees_only_their_teams_answers(story, team_lead, other_team):
    insights_recompute()
    overview = insights_overview(user=team_lead, flt=insight_filter(months=3))
    assert overview.answers == 60
    assert not any(d.dimension == "channel" and d.value == "letter" for d in overview.drivers)


def test_filter_by_channel_narrows_the_answers(story, admin_user):
    insights_recompute()
    overview = insights_overview(user=admin_user, flt=insight_filter(months=3, channel="phone"))
    assert overview.answers == 36


def test_insights_page_for_leads_only(story, team_lead, agent, customer_contact, admin_user):
    insights_recompute()
    assert Client().get("/feedback/insights/").status_code == 302
    assert client_for(agent).get("/feedback/insights/").status_code == 403
    assert client_for(customer_contact).get("/feedback/insights/").status_code == 403
    page = client_for(admin_user).get("/feedback/insights/?months=3")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Treiber" in text
    assert LATE[0][:30] in text or LATE[1][:30] in text or LATE[2][:30] in text or LATE[3][:30] in text


def test_insights_page_reads_a_fixed_number_of_queries(story, admin_user, django_assert_max_num_queries):
    insights_recompute()
    client = client_for(admin_user)
    with django_assert_max_num_queries(40):
        assert client.get("/feedback/insights/?months=6").status_code == 200


def test_driver_becomes_a_task_with_owner_and_its_effect_is_followed(story, admin_user, agent):
    insights_recompute()
    client = client_for(admin_user)
    reply = client.post("/feedback/insights/tasks/", {
        "dimension": "channel", "value": "email", "label": "E-Mail", "title": "Antwortzeiten per Mail halbieren",
        "owner": agent.pk})
    assert reply.status_code == 302
    action = DriverAction.objects.get()
    assert action.owner == agent and action.baseline_balance < 0 and action.baseline_answers == 24
    answer(team=action.owner.teams.first(), channel="email", fulfilled="yes", feeling=5, days_ago=0)
    page = client.get("/feedback/insights/").content.decode()
    assert "Antwortzeiten per Mail halbieren" in page


def test_task_needs_a_title_and_a_staff_owner(admin_user, customer_contact):
    from kundennah.core.errors import DomainValidationError

    with pytest.raises(DomainValidationError) as refused:
        driver_action_create(actor=admin_user, dimension="topic", value="x", label="x", title=" ",
                             owner=customer_contact)
    assert {e.field for e in refused.value.errors} == {"title", "owner"}


def test_answers_csv_is_formula_safe_and_scoped(story, team_lead):
    answer(team=Team.objects.get(name=team_lead.teams.first().name), channel="email", fulfilled="no", feeling=1,
           comment="=HYPERLINK(\"http://evil\")", days_ago=1)
    csv = client_for(team_lead).get("/feedback/export/responses.csv?months=3").content.decode("utf-8-sig")
    assert cell_safe('=HYPERLINK("http://evil")') in csv or "'=HYPERLINK" in csv
    assert "Brief kam nie an." not in csv  # the other team's answers


def test_agents_cannot_export_or_act(story, agent):
    client = client_for(agent)
    assert client.get("/feedback/export/responses.csv").status_code == 403
    assert client.post("/feedback/insights/recompute/").status_code == 403


def test_retraining_learns_from_ratings_and_reports_accuracy_beside_baseline(story, admin_user):
    from kundennah.feedback.models import TextModel
    from kundennah.feedback.services import sentiment_retrain

    model = sentiment_retrain(actor=admin_user)
    assert model.trained_on == 70
    assert model.accuracy is not None and model.baseline is not None
    assert TextModel.objects.count() == 1
    run = insights_recompute()
    assert run.results["model"]["trained_on"] == 70


def test_retraining_with_too_few_comments_is_refused_clearly(admin_user):
    from kundennah.core.errors import DomainValidationError
    from kundennah.feedback.services import sentiment_retrain

    answer(comment="gut", fulfilled="yes", feeling=5)
    with pytest.raises(DomainValidationError):
        sentiment_retrain(actor=admin_user)


def test_topics_carry_representative_quotes_in_the_customers_words(story):
    run = insights_recompute()
    late = next(t for t in run.results["topics"] if any(q in LATE for q in t["quotes"]))
    assert all(q in LATE for q in late["quotes"])


def test_a_run_whose_worker_died_does_not_keep_the_page_waiting(admin_user):
    from kundennah.feedback.insights import run_in_progress

    InsightRun.objects.create(started_at=timezone.now() - dt.timedelta(hours=2))
    assert run_in_progress() is None
    page = client_for(admin_user).get("/feedback/insights/").content.decode()
    assert 'hx-trigger="every 2s"' not in page
