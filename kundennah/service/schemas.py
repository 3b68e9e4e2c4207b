"""What the concern and webhook endpoints take and give (pydantic via django-ninja).

Times go out in ISO 8601 with the offset of Europe/Berlin (the platform's time zone), as a
customer would read them; times coming in must carry their offset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AwareDatetime, ConfigDict

from kundennah.core.models import WebhookDelivery, WebhookSubscription
from kundennah.core.schemas import Checked
from kundennah.service.models import Concern, Message


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


class _In(Checked):
    model_config = ConfigDict(extra="forbid")


# --- Concerns in ------------------------------------------------------------------------------


class ContactIn(_In):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=320)
    phone: str = Field("", max_length=50)


class ConcernCreateIn(_In):
    channel: str = Field(..., max_length=20, description="email, phone, letter, webform, portal, chat, social…")
    customer_id: int | None = Field(None, ge=1)
    contact: ContactIn | None = None
    subject: str = Field("", max_length=300)
    body: str = Field("", max_length=50_000)
    site_id: int | None = Field(None, ge=1)
    received_at: AwareDatetime | None = Field(None, description="When the customer got in touch; the promise "
                                              "is computed from it. Default: now")
    category_id: int | None = Field(None, ge=1)
    priority: Literal["low", "normal", "high", "urgent"] = "normal"


class CallbackIn(_In):
    phone: str = Field(..., min_length=1, max_length=50)
    name: str = Field("", max_length=200)
    customer_id: int | None = Field(None, ge=1)
    window_from: AwareDatetime | None = None
    window_until: AwareDatetime | None = None
    note: str = Field("", max_length=5000)


class MessageIn(_In):
    kind: Literal["outbound", "note", "inbound"]
    body: str = Field(..., max_length=50_000)
    status_after: Literal["open", "waiting_customer", "waiting_third_party", "resolved", "closed"] | None = None


class StatusIn(_In):
    status: Literal["new", "open", "waiting_customer", "waiting_third_party", "resolved", "closed"]
    version: int | None = Field(None, ge=1, description="The version as read; 409 if it changed since")


class AssignmentIn(_In):
    team_id: int | None = Field(None, ge=1)
    assignee_id: int | None = Field(None, ge=1)
    version: int | None = Field(None, ge=1, description="The version as read; 409 if it changed since")


class ConcernListQuery(Checked):
    status: Literal["new", "open", "waiting_customer", "waiting_third_party", "resolved", "closed"] | None = None
    open: bool | None = Field(None, description="true: only new, open and waiting concerns")
    team_id: int | None = Field(None, ge=1)
    assignee_id: int | None = Field(None, ge=1)
    customer_id: int | None = Field(None, ge=1)
    channel: str | None = Field(None, max_length=20)
    kind: Literal["concern", "callback"] | None = None
    overdue: bool | None = Field(None, description="Open and past their due time")
    at_risk: bool | None = Field(None, description="Open and most of the promised time used")
    q: str = Field("", max_length=100, description="Part of the reference or the subject")
    cursor: int | None = Field(None, ge=1, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=200)


# --- Concerns out -----------------------------------------------------------------------------


class RefOut(Schema):
    id: int
    name: str


class ConcernOut(Schema):
    id: int
    reference: str
    kind: str
    status: str
    channel: str
    subject: str
    priority: str
    customer_id: int | None
    site_id: int | None
    contact_name: str
    team: RefOut | None
    assignee: RefOut | None
    received_at: dt.datetime
    first_response_due_at: dt.datetime | None
    first_responded_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    sla_state: str
    callback_from: dt.datetime | None
    callback_until: dt.datetime | None
    version: int
    url: str

    @classmethod
    def of(cls, concern: Concern, url: str) -> ConcernOut:
        team = RefOut(id=concern.team.pk, name=concern.team.name) if concern.team else None
        assignee = None
        if concern.assignee is not None:
            assignee = RefOut(id=concern.assignee.pk,
                              name=concern.assignee.get_full_name() or concern.assignee.get_username())
        return cls(
            id=concern.pk, reference=concern.reference, kind=concern.kind, status=concern.status,
            channel=concern.channel, subject=concern.subject, priority=concern.priority,
            customer_id=concern.customer_id, site_id=concern.site_id, contact_name=concern.contact_name,
            team=team, assignee=assignee, received_at=timezone.localtime(concern.received_at),
            first_response_due_at=_local(concern.first_response_due_at),
            first_responded_at=_local(concern.first_responded_at),
            resolution_due_at=_local(concern.resolution_due_at), sla_state=concern.sla_state,
            callback_from=_local(concern.callback_from), callback_until=_local(concern.callback_until),
            version=concern.version, url=url,
        )


class ConcernListOut(Schema):
    items: list[ConcernOut]
    next_cursor: int | None


class MessageOut(Schema):
    id: int
    kind: str
    body: str
    channel: str
    sender_name: str
    author_id: int | None
    created_at: dt.datetime

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(id=message.pk, kind=message.kind, body=message.body, channel=message.channel,
                   sender_name=message.sender_name, author_id=message.author_id,
                   created_at=timezone.localtime(message.created_at))


# --- Webhooks ---------------------------------------------------------------------------------


class WebhookIn(_In):
    url: str = Field(..., max_length=500)
    events: list[str] = Field(..., max_length=50, description='Event names ("concern.created") or "*"')
    description: str = Field("", max_length=200)


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    created_at: dt.datetime

    @classmethod
    def fields_of(cls, subscription: WebhookSubscription) -> dict[str, Any]:
        return {"id": subscription.pk, "url": subscription.url, "events": list(subscription.events),
                "description": subscription.description, "created_at": timezone.localtime(subscription.created_at)}

    @classmethod
    def of(cls, subscription: WebhookSubscription) -> WebhookOut:
        return cls(**cls.fields_of(subscription))


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(..., description="Shown only now: verify our signatures with it")


class AttemptOut(Schema):
    attempt: int
    at: str
    status_code: int | None
    error: str
    outcome: str


class DeliveryOut(Schema):
    id: int
    event_id: int
    event_type: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime | None
    last_status_code: int | None
    last_error: str
    delivered_at: dt.datetime | None
    created_at: dt.datetime
    log: list[AttemptOut]

    @classmethod
    def of(cls, delivery: WebhookDelivery, log: list[dict[str, Any]]) -> DeliveryOut:
        return cls(
            id=delivery.pk, event_id=delivery.event_id, event_type=delivery.event.name, status=delivery.status,
            attempts=delivery.attempts, next_attempt_at=_local(delivery.next_attempt_at),
            last_status_code=delivery.last_status_code, last_error=delivery.last_error,
            delivered_at=_local(delivery.delivered_at), created_at=timezone.localtime(delivery.created_at),
            log=[AttemptOut(attempt=int(a.get("attempt", 0)), at=str(a.get("at", "")),
                            status_code=a.get("status_code"), error=str(a.get("error", "")),
                            outcome=str(a.get("outcome", ""))) for a in log],
        )


class OpenConcernOut(Schema):
    id: int
    reference: str
    subject: str
    status: str
    channel: str
    priority: str
    team: str | None
    assignee: str | None
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(..., description="The due time the team works against now")

    @classmethod
    def of(cls, concern: Concern) -> OpenConcernOut:
        return cls(
            id=concern.pk, reference=concern.reference, subject=concern.subject, status=concern.status,
            channel=concern.channel, priority=concern.priority,
            team=concern.team.name if concern.team else None,
            assignee=concern.assignee.display_name if concern.assignee else None,
            received_at=concern.received_at, due_at=concern.due_at,
        )
