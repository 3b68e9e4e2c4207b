"""The SLA sweep: at risk at 75 %, overdue past due, one event and one mail per change, handover."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from kundennah.accounts.models import User
from kundennah.core.models import Event
from kundennah.service.models import AgentPresence, Concern, Message
from kundennah.service.promise import AT_RISK_SHARE, share_used
from kundennah.service.services import concern_assign, message_add
from kundennah.service.sla import presence_set, sla_sweep
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db


def _at_share(concern: Concern, share: float) -> dt.datetime:
    """The moment at which ``concern`` has used ``share`` of its promised business time."""
    assert concern.due_at is not None
    low, high = concern.received_at, concern.due_at
    for _ in range(60):
        middle = low + (high - low) / 2
        if share_used(concern, now=middle) < share:
            low = middle
        else:
            high = middle
    return high


def _events(name: str, concern: Concern) -> int:
    return Event.objects.filter(name=name, aggregate_id=str(concern.pk)).count()


def test_concern_turns_at_risk_at_75_percent_and_the_lead_gets_one_mail(agent, team_lead):
    concern = factories.concern()
    moment = _at_share(concern, AT_RISK_SHARE)

    sla_sweep(now=moment - dt.timedelta(minutes=2))
    concern.refresh_from_db()
    assert concern.sla_state == Concern.Sla.ON_TRACK
    assert mail.outbox == []

    report = sla_sweep(now=moment + dt.timedelta(seconds=1))
    concern.refresh_from_db()
    assert concern.sla_state == Concern.Sla.AT_RISK
    assert report.at_risk == 1
    assert _events("concern.at_risk", concern) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [team_lead.email]
    assert concern.reference in mail.outbox[0].body


def test_a_second_sweep_does_nothing(agent, team_lead):
    concern = factories.concern()
    late = concern.due_at + dt.timedelta(minutes=1)
    sla_sweep(now=late)
    again = sla_sweep(now=late + dt.timedelta(minutes=1))
    assert again.breached == again.at_risk == 0
    assert _events("concern.breached", concern) == 1
    assert len(mail.outbox) == 1


def test_past_due_is_breached_straight_from_on_track(agent, team_lead):
    concern = factories.concern()
    sla_sweep(now=concern.due_at + dt.timedelta(seconds=1))
    concern.refresh_from_db()
    assert concern.sla_state == Concern.Sla.BREACHED
    assert _events("concern.at_risk", concern) == 0
    assert _events("concern.breached", concern) == 1


def test_at_risk_then_breached_notifies_each_change_once(agent, team_lead):
    concern = factories.concern()
    sla_sweep(now=_at_share(concern, 0.8))
    sla_sweep(now=concern.due_at + dt.timedelta(minutes=5))
    sla_sweep(now=concern.due_at + dt.timedelta(minutes=6))
    assert _events("concern.at_risk", concern) == 1
    assert _events("concern.breached", concern) == 1
    assert len(mail.outbox) == 2


def test_lead_mail_is_in_the_leads_language(agent, team_lead):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    concern = factories.concern()
    sla_sweep(now=concern.due_at + dt.timedelta(minutes=1))
    assert mail.outbox[0].subject == "Kundennah: 1 concern overdue"


def test_a_sweep_that_lost_the_race_does_not_notify_again(agent, team_lead):
    concern = factories.concern()
    # Another sweep already claimed the change between our read and our write.
    Concern.objects.filter(pk=concern.pk).update(sla_state=Concern.Sla.BREACHED)
    report = sla_sweep(now=concern.due_at + dt.timedelta(minutes=1))
    assert report.breached == 0
    assert mail.outbox == []


def test_first_response_moves_on_to_the_resolution_due_and_back_on_track(agent, team_lead):
    concern = factories.concern()
    sla_sweep(now=_at_share(concern, 0.9))
    concern.refresh_from_db()
    assert concern.sla_state == Concern.Sla.AT_RISK
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir kümmern uns darum.", actor=agent)
    concern.refresh_from_db()
    assert concern.due_at == concern.resolution_due_at
    assert concern.sla_state == Concern.Sla.ON_TRACK


def test_closed_and_waiting_concerns_are_not_swept(agent, team_lead):
    concern = factories.concern()
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Bitte senden Sie uns die Rechnung.",
                actor=agent, status_after=Concern.Status.WAITING_CUSTOMER)
    report = sla_sweep(now=dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
    assert report.checked == 0


def test_concerns_of_an_away_agent_go_to_an_available_colleague(agent, team, team_lead):
    colleague = User.objects.create_user(username="carla_colleague", role=User.Role.AGENT, email="c@example.org")
    colleague.teams.add(team)
    AgentPresence.objects.create(user=team_lead, status=AgentPresence.Status.OFF)
    concern = concern_assign(concern=factories.concern(), actor=team_lead, assignee=agent)
    AgentPresence.objects.create(user=agent, status=AgentPresence.Status.AWAY)

    report = sla_sweep(now=concern.received_at)
    concern.refresh_from_db()
    assert report.reassigned == 1
    assert concern.assignee == colleague


def test_no_reassignment_when_nobody_is_available_and_the_event_says_so(agent, team_lead):
    AgentPresence.objects.create(user=team_lead, status=AgentPresence.Status.OFF)
    concern = factories.concern()
    assert concern.assignee == agent
    AgentPresence.objects.create(user=agent, status=AgentPresence.Status.AWAY)

    report = sla_sweep(now=concern.due_at + dt.timedelta(minutes=1))
    concern.refresh_from_db()
    assert concern.assignee == agent
    assert report.reassigned == 0 and report.unassignable == 1
    event = Event.objects.get(name="concern.breached", aggregate_id=str(concern.pk))
    assert event.payload["reassignment"] == "nobody_available"
    assert "nobody of the team" in mail.outbox[0].body or "niemand" in mail.outbox[0].body


def test_going_away_hands_over_open_work_at_once(agent, team, team_lead, django_capture_on_commit_callbacks):
    concern = concern_assign(concern=factories.concern(), actor=team_lead, assignee=agent)
    with django_capture_on_commit_callbacks(execute=True):
        presence_set(user=agent, status=AgentPresence.Status.AWAY)
    concern.refresh_from_db()
    assert concern.assignee == team_lead


def test_sweep_reads_a_fixed_number_of_queries_per_batch(agent, team_lead, django_assert_max_num_queries):
    concerns = [factories.concern(subject=f"Anliegen {n}") for n in range(6)]
    # Nothing changes: the sweep only reads (batches of 2: 3 full batches and the empty one).
    with django_assert_max_num_queries(1 + 4 + 2):
        sla_sweep(now=concerns[0].received_at, batch_size=2)


# --- The demo concerns ------------------------------------------------------------------------


def test_demo_concerns_are_loaded_once_with_every_kind_of_state(db):
    from kundennah.customers.seeding.demo import demo_load, demo_users_ensure
    from kundennah.service.demo import SPECS, service_demo_load

    demo_users_ensure(passwords={"admin": "x" * 12, "teamlead": "y" * 12, "agent": "z" * 12, "einkauf": "w" * 12},
                      reset=False)
    demo_load(persons=8, organisations=1)
    assert service_demo_load() == len(SPECS) >= 40
    assert service_demo_load() == 0
    concerns = Concern.objects.all()
    assert concerns.count() == len(SPECS)
    states = set(concerns.values_list("status", flat=True))
    assert {Concern.Status.NEW, Concern.Status.OPEN, Concern.Status.WAITING_CUSTOMER, Concern.Status.RESOLVED,
            Concern.Status.CLOSED} <= states
    assert concerns.filter(sla_state=Concern.Sla.BREACHED).exists()
    assert concerns.filter(kind=Concern.Kind.CALLBACK, status__in=Concern.OPEN_STATES).exists()
    assert concerns.filter(customer__last_name="Hartmann").count() == 2
    assert concerns.filter(customer__name="Bäckerei Sonnenkorn").count() == 3
    assert Message.objects.filter(kind=Message.Kind.OUTBOUND).count() >= 10
    assert mail.outbox == []
