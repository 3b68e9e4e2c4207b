"""The configuration every intake reads (routing rules, teams, calendars, resolution targets)
is kept in memory per process; a change made anywhere must still reach the next concern."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from kundennah.accounts.models import User
from kundennah.core.sequences import counter_next
from kundennah.service import configuration, routing
from kundennah.service.models import AgentPresence, ClosingDay, ResolutionTarget, RoutingRule, TeamCalendar
from kundennah.service.routing import assignee_for
from kundennah.service.services import concern_assign
from kundennah.service.tests.factories import concern as make_concern


def test_a_new_routing_rule_applies_to_the_next_concern(team, other_team):
    assert make_concern(channel="phone").team == team
    RoutingRule.objects.create(channel="phone", team=other_team, position=1)
    assert make_concern(channel="phone").team == other_team


def test_a_change_committed_by_another_process_reaches_this_one(team, other_team):
    # Rows written without signals stand for what another process committed.
    [rule] = RoutingRule.objects.bulk_create([RoutingRule(channel="phone", team=team, position=1)])
    assert make_concern(channel="phone").team == team
    RoutingRule.objects.filter(pk=rule.pk).update(team=other_team)
    assert make_concern(channel="phone").team == team  # this process still works from its snapshot
    # The other process's commit bumps the shared generation; the next intake here reloads.
    cache.set(configuration.GENERATION_KEY, (cache.get(configuration.GENERATION_KEY) or 0) + 1, timeout=None)
    assert make_concern(channel="phone").team == other_team


def test_the_snapshot_is_read_once_and_then_costs_no_query(team, django_assert_num_queries):
    configuration.current()
    with django_assert_num_queries(0):
        snapshot = configuration.current()
    assert snapshot.default_team_id == team.pk


def test_a_closing_day_and_a_resolution_target_move_the_next_promise(team, monkeypatch):
    thursday = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: thursday)
    first = make_concern()
    calendar = TeamCalendar.objects.create(team=team)
    ClosingDay.objects.create(calendar=calendar, date=dt.date(2026, 12, 4), name="Betriebsausflug")
    ResolutionTarget.objects.create(priority="normal", business_hours=10)
    second = make_concern()
    assert second.first_response_due_at > first.first_response_due_at
    assert second.resolution_due_at < first.resolution_due_at


def test_a_rolled_back_change_is_forgotten(team, other_team):
    try:
        with transaction.atomic():
            RoutingRule.objects.create(channel="phone", team=other_team, position=1)
            assert configuration.current().rules
            raise RuntimeError("the admin form failed after saving the rule")
    except RuntimeError:
        pass
    assert configuration.current().rules == []
    assert make_concern(channel="phone").team == team


def test_concern_references_stay_unique_and_rising_when_an_intake_is_rolled_back(team):
    first = make_concern()
    try:
        with transaction.atomic():
            counter_next(name=f"concern-{first.received_at.year}")
            raise RuntimeError("the intake failed after drawing its number")
    except RuntimeError:
        pass
    second = make_concern()
    assert second.reference > first.reference


def test_agents_with_equal_load_take_turns(team):
    agents = [User.objects.create_user(f"agent{n}", role="agent") for n in range(3)]
    for agent in agents:
        agent.teams.add(team)
    assert [assignee_for(team, turn=turn) for turn in range(3)] == agents


def test_agents_above_the_counted_load_count_as_equally_full(team, agent, team_lead, monkeypatch):
    monkeypatch.setattr(routing, "LOAD_COUNTED_UP_TO", 2)
    AgentPresence.objects.create(user=team_lead, status=AgentPresence.Status.OFF)
    busy = User.objects.create_user("busy", role="agent")
    busy.teams.add(team)
    for assignee in (agent, agent, busy, busy, busy):
        concern_assign(concern=make_concern(), actor=agent, assignee=assignee)
    # Counted up to two, both are full: they take turns instead of the busier never getting one.
    assert {assignee_for(team, turn=0), assignee_for(team, turn=1)} == {agent, busy}
