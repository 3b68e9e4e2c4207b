"""Concern endpoints (``/api/v1/concerns``, ``/api/v1/callbacks``) and webhook subscriptions
(``/api/v1/webhooks``).

Each endpoint parses its input (``schemas``), makes one selector or service call and shapes
the answer. What a caller may not see is a 404 (selectors); the agent side is closed to
customer contacts (403). References in a body that name nothing (``customer_id``…) are field
errors (422), not 404s: the URL was right, the body was not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kundennah.accounts.models import Team, User
from kundennah.core import webhooks
from kundennah.core.api import ERRORS_READ, ERRORS_WRITE, ErrorOut, IdempotencyKey, IfMatch
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.idempotency import idempotent_create
from kundennah.core.models import WebhookDelivery
from kundennah.core.permissions import require_perm
from kundennah.customers import selectors as customer_selectors
from kundennah.customers.models import Customer, Site
from kundennah.customers.schemas import etag, version_of
from kundennah.service import selectors, services
from kundennah.service.acknowledgement import acknowledgement_schedule
from kundennah.service.models import Category, Concern
from kundennah.service.schemas import (
    AssignmentIn,
    CallbackIn,
    ConcernCreateIn,
    ConcernListOut,
    ConcernListQuery,
    ConcernOut,
    DeliveryOut,
    MessageIn,
    MessageOut,
    StatusIn,
    WebhookCreatedOut,
    WebhookIn,
    WebhookOut,
)

router = Router(tags=["concerns"])
callbacks_router = Router(tags=["concerns"])
webhooks_router = Router(tags=["webhooks"])

READ = {**ERRORS_READ, 422: ErrorOut}
WRITE = ERRORS_WRITE



# --- Shared steps ---------------------------------------------------------------------------


def _url(request: HttpRequest, concern_id: int) -> str:
    return request.build_absolute_uri(reverse("api-v1:concern_detail", kwargs={"concern_id": concern_id}))


def _concern(request: HttpRequest, concern_id: int) -> Concern:
    return selectors.concern_get_for_user(user=request.user, concern_id=concern_id)


def _answer(request: HttpRequest, response: HttpResponse, concern_id: int) -> ConcernOut:
    body = ConcernOut.of(_concern(request, concern_id), _url(request, concern_id))
    response["ETag"] = etag(body.version)
    return body


def _customer_in_body(request: HttpRequest, customer_id: int | None, errors: ErrorCollector) -> Customer | None:
    if customer_id is None:
        return None
    try:
        return customer_selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    except Http404:
        errors.add("customer_id", "unknown_customer", _("There is no customer with this id."))
        return None


def _site_in_body(request: HttpRequest, customer: Customer | None, site_id: int | None,
                  errors: ErrorCollector) -> Site | None:
    if site_id is None:
        return None
    if customer is None:
        errors.add("site_id", "site_without_customer", _("A site needs the customer it belongs to."))
        return None
    try:
        return customer_selectors.site_get_for_user(user=request.user, customer=customer, site_id=site_id)
    except Http404:
        errors.add("site_id", "foreign_site", _("This site belongs to another customer."))
        return None


def _category_in_body(category_id: int | None, errors: ErrorCollector) -> Category | None:
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id, active=True).first()
    if category is None:
        errors.add("category_id", "unknown_category", _("There is no such category."))
    return category


def _intake(request: HttpRequest, payload: ConcernCreateIn) -> Concern:
    errors = ErrorCollector()
    customer = _customer_in_body(request, payload.customer_id, errors)
    site = _site_in_body(request, customer, payload.site_id, errors)
    category = _category_in_body(payload.category_id, errors)
    errors.raise_if_any()
    contact = payload.contact
    concern = services.concern_intake(data=services.ConcernIntake(
        channel=payload.channel, subject=payload.subject, body=payload.body, customer=customer, site=site,
        contact_name=contact.name if contact else "", contact_email=contact.email if contact else "",
        contact_phone=contact.phone if contact else "", received_at=payload.received_at, category=category,
        priority=payload.priority,
    ), actor=request.user)
    # A concern passed on from a customer-facing system (chat, web form, portal) is acknowledged
    # to the customer like one from our own form; phone and letter are logged by agents.
    acknowledgement_schedule(concern, base_url=request.build_absolute_uri("/"))
    return concern


def _create_once(
    request: HttpRequest,
    response: HttpResponse,
    *,
    key: str | None,
    payload: Any,
    namespace: str,
    create: Callable[[], Concern],
) -> Status[Any]:
    """Create through ``create`` unless ``key`` was used before; answer 201 with the concern.

    A concern created now is answered as it was saved (not read again: the caller sees what
    they created, even when routing sent it to a team they are not in); a repeated request is
    answered from the database.
    """
    created: dict[int, Concern] = {}

    def create_and_keep() -> int:
        concern = create()
        created[concern.pk] = concern
        return concern.pk

    result = idempotent_create(
        user=request.user,
        key=key,
        body=payload.model_dump(mode="json"),
        id_field="concern_id",
        namespace=namespace,
        create=create_and_keep,
    )
    if isinstance(result, ErrorOut):
        return Status(422, result)
    if result in created:
        body = ConcernOut.of(created[result], _url(request, result))
        response["ETag"] = etag(body.version)
    else:
        body = _answer(request, response, result)
    response["Location"] = body.url
    return Status(201, body)


# --- Concerns -------------------------------------------------------------------------------


@router.post("", response={201: ConcernOut, **WRITE}, summary="Take in a concern")
def concern_create(
    request: HttpRequest, payload: ConcernCreateIn, response: HttpResponse, idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    """Routed, assigned and promised as from any channel. ``first_response_due_at`` is the promise."""
    require_perm(request.user, "service.log_contact")
    return _create_once(request, response, key=idempotency_key, payload=payload, namespace="concerns",
                        create=lambda: _intake(request, payload))


@router.get("", response={200: ConcernListOut, **READ}, summary="Concerns the caller may see")
def concern_list(request: HttpRequest, filters: Query[ConcernListQuery]) -> ConcernListOut:
    """Newest first; pass ``next_cursor`` as ``cursor`` for the next page."""
    concerns = selectors.concerns_visible_to(request.user).select_related("team", "assignee")
    exact = {"status": filters.status, "team_id": filters.team_id, "assignee_id": filters.assignee_id,
             "customer_id": filters.customer_id, "channel": filters.channel, "kind": filters.kind}
    concerns = concerns.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.open is not None:
        open_states = Q(status__in=Concern.OPEN_STATES)
        concerns = concerns.filter(open_states) if filters.open else concerns.exclude(open_states)
    if filters.overdue:
        concerns = concerns.filter(status__in=Concern.OPEN_STATES, due_at__lt=timezone.now())
    if filters.at_risk:
        concerns = concerns.filter(status__in=Concern.OPEN_STATES, sla_state=Concern.Sla.AT_RISK)
    if filters.q.strip():
        q = filters.q.strip()
        concerns = concerns.filter(Q(reference__icontains=q) | Q(subject__icontains=q))
    if filters.cursor is not None:
        concerns = concerns.filter(id__lt=filters.cursor)
    page = list(concerns.order_by("-id")[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    return ConcernListOut(items=[ConcernOut.of(c, _url(request, c.pk)) for c in page],
                          next_cursor=page[-1].pk if more else None)


@router.get("/{concern_id}", response={200: ConcernOut, **READ}, url_name="concern_detail")
def concern_detail(request: HttpRequest, concern_id: int, response: HttpResponse) -> ConcernOut:
    return _answer(request, response, concern_id)


@router.get("/{concern_id}/messages", response={200: list[MessageOut], **READ})
def message_list(request: HttpRequest, concern_id: int) -> list[MessageOut]:
    """The whole conversation, internal notes included, oldest first."""
    return [MessageOut.of(m) for m in selectors.messages_for_agent(_concern(request, concern_id))]


@router.post("/{concern_id}/messages", response={201: MessageOut, **WRITE}, summary="Reply, note or log")
def message_create(request: HttpRequest, concern_id: int, payload: MessageIn) -> Status[MessageOut]:
    """``outbound`` answers the customer (the first one keeps the promise), ``note`` is internal,
    ``inbound`` logs what the customer said on another way. ``status_after`` changes the status too."""
    concern = _concern(request, concern_id)
    require_perm(request.user, "service.change_concern")
    message = services.message_add(concern=concern, kind=payload.kind, body=payload.body, actor=request.user,
                                   status_after=payload.status_after)
    return Status(201, MessageOut.of(message))


@router.post("/{concern_id}/status", response={200: ConcernOut, **WRITE}, summary="Change the status")
def concern_status(
    request: HttpRequest, concern_id: int, payload: StatusIn, response: HttpResponse, if_match: IfMatch = None,
) -> ConcernOut:
    """409 ``invalid_transition`` (with the reason) for a change the status does not allow;
    409 ``version_conflict`` when ``If-Match``/``version`` is not the current version."""
    concern = _concern(request, concern_id)
    require_perm(request.user, "service.change_concern")
    services.concern_transition(concern=concern, status=payload.status, actor=request.user,
                                expected_version=version_of(if_match, payload.version))
    return _answer(request, response, concern.pk)


@router.post("/{concern_id}/assignment", response={200: ConcernOut, **WRITE}, summary="Give to a team or agent")
def concern_assignment(
    request: HttpRequest, concern_id: int, payload: AssignmentIn, response: HttpResponse, if_match: IfMatch = None,
) -> ConcernOut:
    concern = _concern(request, concern_id)
    require_perm(request.user, "service.change_concern")
    errors = ErrorCollector()
    if payload.team_id is None and payload.assignee_id is None:
        errors.add("team_id", "required", _("Please give a team, an agent or both."))
    team = Team.objects.filter(pk=payload.team_id).first() if payload.team_id else None
    if payload.team_id and team is None:
        errors.add("team_id", "unknown_team", _("There is no such team."))
    assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first() if payload.assignee_id else None
    if payload.assignee_id and assignee is None:
        errors.add("assignee_id", "unknown_agent", _("There is no such agent."))
    errors.raise_if_any()
    concern = services.concern_assign(concern=concern, actor=request.user, team=team, assignee=assignee,
                                      expected_version=version_of(if_match, payload.version))
    # Not read again through the selector: after a hand-over to another team the caller may
    # no longer see the concern, but should see what they did.
    response["ETag"] = etag(concern.version)
    return ConcernOut.of(concern, _url(request, concern.pk))


# --- Callbacks ------------------------------------------------------------------------------


def _callback(request: HttpRequest, payload: CallbackIn) -> Concern:
    errors = ErrorCollector()
    customer = _customer_in_body(request, payload.customer_id, errors)
    errors.raise_if_any()
    concern = services.concern_intake(data=services.ConcernIntake(
        channel="phone", kind=Concern.Kind.CALLBACK, body=payload.note, customer=customer,
        contact_name=payload.name, contact_phone=payload.phone,
        callback_from=payload.window_from, callback_until=payload.window_until,
    ), actor=request.user)
    return concern


@callbacks_router.post("", response={201: ConcernOut, **WRITE}, summary="Ask for a callback")
def callback_create(
    request: HttpRequest, payload: CallbackIn, response: HttpResponse, idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    """A concern of kind ``callback``: somebody will call ``phone``, within the window if one is given."""
    require_perm(request.user, "service.log_contact")
    return _create_once(request, response, key=idempotency_key, payload=payload, namespace="callbacks",
                        create=lambda: _callback(request, payload))


# --- Webhook subscriptions ------------------------------------------------------------------


@webhooks_router.post("", response={201: WebhookCreatedOut, **WRITE}, summary="Subscribe to events")
def webhook_create(request: HttpRequest, payload: WebhookIn) -> Status[WebhookCreatedOut]:
    """Administrators only. The answer holds the signing ``secret``; it is not shown again."""
    webhooks.webhook_subscriptions(user=request.user)  # the permission check, before anything is read
    subscription = webhooks.webhook_subscribe(url=payload.url, events=payload.events,
                                              description=payload.description, actor=request.user)
    return Status(201, WebhookCreatedOut(**WebhookOut.fields_of(subscription), secret=subscription.secret))


@webhooks_router.get("", response={200: list[WebhookOut], **READ})
def webhook_list(request: HttpRequest) -> list[WebhookOut]:
    return [WebhookOut.of(s) for s in webhooks.webhook_subscriptions(user=request.user)]


@webhooks_router.delete("/{webhook_id}", response={204: None, **WRITE}, summary="Unsubscribe")
def webhook_delete(request: HttpRequest, webhook_id: int) -> Status[None]:
    subscription = webhooks.webhook_subscription_get(user=request.user, subscription_id=webhook_id)
    webhooks.webhook_unsubscribe(subscription=subscription, actor=request.user)
    return Status(204, None)


@webhooks_router.get("/{webhook_id}/deliveries", response={200: list[DeliveryOut], **READ},
                     summary="The delivery log, newest first")
def webhook_deliveries(request: HttpRequest, webhook_id: int, limit: int = 50) -> list[DeliveryOut]:
    subscription = webhooks.webhook_subscription_get(user=request.user, subscription_id=webhook_id)
    if not 1 <= limit <= 200:
        raise DomainValidationError.single("limit", "out_of_range", _("This value is out of range."))
    deliveries = list(WebhookDelivery.objects.filter(subscription=subscription).select_related("event")
                      .order_by("-id")[:limit])
    log = webhooks.delivery_attempts(deliveries)
    return [DeliveryOut.of(d, log[d.pk]) for d in deliveries]
