"""Where a new concern goes (team) and who takes it (assignee).

Routing rules are checked by position; the first active rule whose set fields all match
wins. A concern no rule claims goes to the default team (``KUNDENNAH_DEFAULT_TEAM``, else the
first team by name). Assignment picks among the team's agents who are available: the one
with the fewest open concerns, ties broken by who got one longest ago, which is round-robin
among equals.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from kundennah.accounts.models import Team, User
from kundennah.service import configuration
from kundennah.service.models import AgentPresence, Concern

# Open concerns counted per agent when choosing whom to assign; beyond this they count as full.
LOAD_COUNTED_UP_TO = 200


def team_for(concern: Concern) -> Team | None:
    snapshot = configuration.current()
    for rule in snapshot.rules:
        if rule.matches(
            channel=concern.channel,
            category_id=concern.category_id,
            customer_id=concern.customer_id,
            site_id=concern.site_id,
        ):
            return snapshot.teams.get(rule.team_id)
    return snapshot.teams.get(snapshot.default_team_id) if snapshot.default_team_id is not None else None


def available_agents(team: Team) -> Any:
    """Active agents and team leads of ``team`` whose presence is available (or never set)."""
    return (
        User.objects.filter(
            teams=team, is_active=True, role__in=[User.Role.AGENT, User.Role.TEAM_LEAD, User.Role.ADMIN]
        )
        .filter(Q(presence__isnull=True) | Q(presence__status=AgentPresence.Status.AVAILABLE))
    )


def assignee_for(team: Team | None, *, exclude: User | None = None, turn: int = 0) -> User | None:
    """The available agent of ``team`` with the least open work; among equals, ``turn`` decides.

    Open work is counted on the inbox index (``inbox_due_at`` is set exactly while a concern
    is open) and only up to ``LOAD_COUNTED_UP_TO`` per agent, so choosing costs the same with
    a hundred open concerns as with a hundred thousand; agents above that count as equally
    full. Callers pass a number that rises with every concern (its reference number) as
    ``turn``: agents with equal load then take turns, which is round-robin without keeping
    any state that concurrent intakes would have to queue for.
    """
    if team is None:
        return None
    candidates = available_agents(team)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    table = connection.ops.quote_name(Concern._meta.db_table)
    user_id = f"{connection.ops.quote_name(User._meta.db_table)}.{connection.ops.quote_name('id')}"
    load = RawSQL(  # noqa: S611 - only quoted names of our own tables; the cap is a parameter
        f"SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {table}.assignee_id = {user_id} "  # noqa: S608
        f"AND {table}.inbox_due_at IS NOT NULL LIMIT %s) AS counted",
        [LOAD_COUNTED_UP_TO],
    )
    agents = list(candidates.annotate(open_count=load).order_by("id"))
    if not agents:
        return None
    least = min(agent.open_count for agent in agents)
    equals = [agent for agent in agents if agent.open_count == least]
    return equals[turn % len(equals)]
