"""Reads on concerns, scoped to what the user may see (404 for the rest)."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kundennah.service.models import Attachment, Concern, Message


def concerns_visible_to(user: Any) -> QuerySet[Concern]:
    """Concerns ``user`` may see on the agent side: their teams', their own and the unrouted.

    Admins see everything. Anyone else (customer contacts, anonymous) gets PermissionDenied:
    the agent side is closed to them, whatever the concern.
    """
    # The rules set alone: Django's model backend would add two permission queries per call
    # for what a role already decides.
    if not rules.has_perm("service.view_concern", user):
        raise PermissionDenied
    concerns = Concern.objects.all()
    if rules.has_perm("service.see_all_teams", user):
        return concerns
    return concerns.filter(Q(team__in=user.teams.all()) | Q(assignee=user) | Q(team__isnull=True))


def concern_get_for_user(*, user: Any, concern_id: int | str) -> Concern:
    try:
        pk = int(concern_id)
    except (TypeError, ValueError):
        raise Http404 from None
    concern = (
        concerns_visible_to(user)
        .select_related("customer", "site", "team", "assignee", "category", "merged_into")
        .filter(pk=pk)
        .first()
    )
    if concern is None:
        raise Http404
    return concern


def concern_by_reference_for_user(*, user: Any, reference: str) -> Concern:
    concern = concerns_visible_to(user).filter(reference=reference.strip().upper()).first()
    if concern is None:
        raise Http404
    return concern


def concerns_of_customer_contact(user: Any) -> QuerySet[Concern]:
    """What a customer contact sees in the portal: what they raised, or all of their customer's
    concerns when their account says so. Never anyone else's."""
    if not getattr(user, "is_authenticated", False) or user.role != user.Role.CUSTOMER or not user.is_active:
        raise PermissionDenied
    own = Q(raised_by=user)
    if user.customer_id is not None and user.sees_all_concerns:
        own |= Q(customer_id=user.customer_id)
    return Concern.objects.filter(own, merged_into__isnull=True)


def concern_get_for_customer_contact(*, user: Any, concern_id: int | str) -> Concern:
    try:
        pk = int(concern_id)
    except (TypeError, ValueError):
        raise Http404 from None
    concern = concerns_of_customer_contact(user).select_related("team").filter(pk=pk).first()
    if concern is None:
        raise Http404
    return concern


def messages_for_customer(concern: Concern) -> QuerySet[Message]:
    """The conversation as the customer sees it: without internal notes."""
    return concern.messages.exclude(kind=Message.Kind.NOTE).prefetch_related("attachments").order_by(
        "created_at", "id")


def messages_for_agent(concern: Concern) -> QuerySet[Message]:
    # The mail each message came or went as (the email channel): its HTML and its delivery.
    return concern.messages.select_related("author").prefetch_related(
        "attachments", "inbound_mails", "outbound_mails").order_by("created_at", "id")


def customer_concerns(*, user: Any, customer_id: int, open_only: bool = False, limit: int = 20) -> list[Concern]:
    """A customer's concerns for the 360 page and the concern page's side panel."""
    concerns = concerns_visible_to(user).filter(customer_id=customer_id, merged_into__isnull=True)
    if open_only:
        concerns = concerns.filter(status__in=Concern.OPEN_STATES)
    return list(concerns.select_related("team", "assignee").order_by("-received_at", "-id")[:limit])


def attachment_get_for_user(*, user: Any, attachment_id: int | str) -> Attachment:
    """An attachment, if the user may see the concern it belongs to (404 otherwise)."""
    try:
        pk = int(attachment_id)
    except (TypeError, ValueError):
        raise Http404 from None
    attachment = Attachment.objects.filter(pk=pk, message__concern__in=concerns_visible_to(user)).first()
    if attachment is None:
        raise Http404
    return attachment


def concern_for_access_token(token: str) -> Concern:
    """The concern whose status page this token opens (the token is the capability); 404 otherwise.

    A concern merged into another opens the one it lives on in.
    """
    if not token or len(token) > 64:
        raise Http404
    concern = Concern.objects.select_related("team", "merged_into").filter(access_token=token).first()
    if concern is None:
        raise Http404
    return concern.merged_into if concern.merged_into is not None else concern
