"""The emotional balance beside a customer wherever agents see one (inbox, concern page)."""

from __future__ import annotations

from typing import Any

from django import template

from kundennah.feedback.balance import Standing
from kundennah.feedback.links import survey_url
from kundennah.feedback.models import Survey
from kundennah.feedback.selectors import standings_of, surveys_open_for_contact

register = template.Library()


@register.simple_tag
def standings_for(*concern_lists: Any) -> dict[int, Standing]:
    """Standings of every customer in these concern lists: one query for the whole page."""
    ids = [c.customer_id for concerns in concern_lists for c in (concerns or []) if c.customer_id]
    return standings_of(ids) if ids else {}


@register.simple_tag
def customer_standing(customer_id: int | None) -> Standing | None:
    return standings_of([customer_id]).get(customer_id) if customer_id else None


@register.inclusion_tag("feedback/_balance_badge.html")
def balance_badge(standing: Standing | dict[int, Standing] | None, customer_id: int | None = None,
                  size: str = "sm") -> dict[str, Any]:
    if isinstance(standing, dict):
        standing = standing.get(customer_id) if customer_id else None
    return {"standing": standing, "size": size}


@register.simple_tag
def concern_survey(concern_id: int) -> Survey | None:
    return Survey.objects.filter(concern_id=concern_id).select_related("response", "response__follow_up").first()


@register.simple_tag
def survey_link(survey: Survey) -> str:
    return survey_url(survey.key)


@register.inclusion_tag("feedback/_portal_surveys.html")
def portal_surveys(user: Any) -> dict[str, Any]:
    """The surveys a signed-in customer contact can still answer, with their links."""
    return {"surveys": [(survey, survey_url(survey.key)) for survey in surveys_open_for_contact(user)]}
