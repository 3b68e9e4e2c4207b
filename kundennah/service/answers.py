"""Answer templates filled with what we know about the concern, its customer and the agent.

Templates are written by staff, but their text is never run through Django's template engine:
only the placeholders listed in ``PLACEHOLDERS`` are replaced, by plain string substitution, so
a template cannot reach attributes, call methods or render tags. An unknown placeholder stays
as written so that the agent sees it before sending.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import override

from kundennah.service.models import AnswerTemplate, Concern

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)?)\s*\}\}")


def salutation_name(concern: Concern) -> str:
    """How the customer is addressed after "Dear": "Frau Dr. Müller", or the contact's name."""
    customer = concern.customer
    if customer is None:
        return concern.contact_name
    if customer.is_organisation:
        return customer.display_name
    with override(concern.language or "de"):
        title = {"ms": _("Ms"), "mr": _("Mr")}.get(customer.salutation, "")
        parts = [title, customer.title, customer.last_name] if title else [customer.first_name, customer.last_name]
        return " ".join(p for p in parts if p) or customer.display_name


def _agent_name(agent: Any) -> str:
    return getattr(agent, "display_name", "") or ""


PLACEHOLDERS: dict[str, Callable[[Concern, Any], str]] = {
    "customer.salutation_name": lambda c, a: salutation_name(c),
    "customer.name": lambda c, a: c.customer.display_name if c.customer else c.contact_name,
    "customer.first_name": lambda c, a: c.customer.first_name if c.customer else "",
    "customer.last_name": lambda c, a: c.customer.last_name if c.customer else "",
    "customer.number": lambda c, a: c.customer.number if c.customer else "",
    "concern.reference": lambda c, a: c.reference,
    "concern.subject": lambda c, a: c.subject,
    "agent.name": lambda c, a: _agent_name(a),
    "agent.first_name": lambda c, a: getattr(a, "first_name", "") or "",
    "team.name": lambda c, a: c.team.name if c.team else "",
}


def answer_fill(text: str, *, concern: Concern, agent: Any) -> str:
    """``text`` with every known ``{{ placeholder }}`` replaced by its value."""

    def replace(match: re.Match[str]) -> str:
        filler = PLACEHOLDERS.get(match.group(1))
        return filler(concern, agent) if filler is not None else match.group(0)

    return _PLACEHOLDER.sub(replace, text)


def answer_templates_for(*, concern: Concern) -> QuerySet[AnswerTemplate]:
    """Active templates for the concern's team (or for all teams), by name."""
    return AnswerTemplate.objects.filter(Q(team__isnull=True) | Q(team_id=concern.team_id), active=True).order_by(
        "name", "id")


def answer_for(*, concern: Concern, template_id: int | str, agent: Any) -> str:
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        raise Http404 from None
    template = answer_templates_for(concern=concern).filter(pk=pk).first()
    if template is None:
        raise Http404
    return answer_fill(template.body, concern=concern, agent=agent)
