"""Where a new concern goes (team) and who takes it (assignee).

Routing rules are checked by position; the first active rule whose set fields all match
wins. A concern no rule claims goes to the default team (``KUNDENNAH_DEFAULT_TEAM``, else the
first team by name). Assignment picks among the team's agents who are available: the one
with the fewest open concerns, ties broken by who got one longest ago, which is round-robin
among equals.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, Q

from kundennah.accounts.models import Team, User
from kundennah.service.models import AgentPresence, Concern, RoutingRule


def team_for(concern: Concern) -> Team | None:
    for rule in RoutingRule.objects.filter(active=True).select_related("team"):
        if rule.channel and rule.channel != concern.channel:
            continue
        if rule.category_id is not None and rule.category_id != concern.category_id:
            continue
        if rule.customer_id is not None and rule.customer_id != concern.customer_id:
            continue
        if rule.site_id is not None and rule.site_id != concern.site_id:
            continue
        return rule.team
    teams = Team.objects.order_by("name")
    if settings.KUNDENNAH_DEFAULT_TEAM:
        named = teams.filter(name=settings.KUNDENNAH_DEFAULT_TEAM).first()
        if named is not None:
            return named
    return teams.first()


def available_agents(team: Team) -> Any:
    """Active agents and team leads of ``team`` whose presence is available (or never set)."""
    return (
        User.objects.filter(
            teams=team, is_active=True, role__in=[User.Role.AGENT, User.Role.TEAM_LEAD, User.Role.ADMIN]
        )
        .filter(Q(presence__isnull=True) | Q(presence__status=AgentPresence.Status.AVAILABLE))
    )


def assignee_for(team: Team | None, *, exclude: User | None = None) -> User | None:
    """The available agent of ``team`` with the least open work (round-robin among equals)."""
    if team is None:
        return None
    candidates = available_agents(team)
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    open_states = list(Concern.OPEN_STATES)
    ranked = candidates.annotate(
        open_count=Count("assigned_concerns", filter=Q(assigned_concerns__status__in=open_states)),
        last_assigned=Max("assigned_concerns__created_at"),
    ).order_by("open_count", F("last_assigned").asc(nulls_first=True), "id")
    return ranked.first()
