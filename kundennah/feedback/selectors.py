"""Reads of feedback, scoped to who may see them."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kundennah.feedback.balance import Standing
from kundennah.feedback.links import survey_key_from
from kundennah.feedback.models import CustomerBalance, Response, Survey


def survey_for_token(token: str) -> Survey:
    """The survey a link belongs to; 404 for an altered, made-up or skipped one."""
    key = survey_key_from(token)
    if key is None:
        raise Http404
    survey = Survey.objects.filter(key=key).exclude(state=Survey.State.SKIPPED).select_related(
        "response", "customer").first()
    if survey is None:
        raise Http404
    return survey


def standings_of(customer_ids: list[int]) -> dict[int, Standing]:
    """Running balance and trend of each customer that has answered (one query)."""
    return {
        row.customer_id: Standing(running=row.running, earlier=row.earlier, answers=row.answers)
        for row in CustomerBalance.objects.filter(customer_id__in=set(customer_ids))
    }


def responses_visible_to(user: Any) -> QuerySet[Response]:
    """Answers a staff member may read: their teams' and those without a team (orders);
    everything for those who see all teams. Customer contacts and anonymous: PermissionDenied."""
    if not rules.has_perm("feedback.view_feedback", user):
        raise PermissionDenied
    responses = Response.objects.all()
    if rules.has_perm("service.see_all_teams", user):
        return responses
    return responses.filter(Q(team__in=user.teams.all()) | Q(team__isnull=True))


def customer_responses(*, user: Any, customer_id: int, limit: int = 10) -> list[Response]:
    return list(
        responses_visible_to(user).filter(customer_id=customer_id)
        .select_related("survey", "survey__concern", "survey__order", "site").order_by("-contact_at")[:limit]
    )


def concern_response(*, concern_id: int) -> Response | None:
    return Response.objects.filter(survey__concern_id=concern_id).first()


def surveys_open_for_contact(user: Any) -> list[Survey]:
    """Surveys the signed-in portal contact can still answer: the ones sent to their address."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "role", "") != "customer" or not user.email:
        return []
    from django.utils import timezone

    return list(
        Survey.objects.filter(state=Survey.State.SENT, recipient_email__iexact=user.email,
                              expires_at__gt=timezone.now())
        .order_by("-sent_at")[:5]
    )
