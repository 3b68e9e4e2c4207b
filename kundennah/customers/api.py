"""Customer endpoints: the central customer record over JSON (``/api/v1/customers``).

Each endpoint parses its input (``schemas``), makes one selector or service call and
shapes the answer; the rules live in the services. What a caller may not see is a 404
(selectors), a write they may not make a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.params import HeaderEx, P

from kundennah.core.api import ERRORS_READ, ERRORS_WRITE, ErrorOut
from kundennah.core.errors import DomainValidationError
from kundennah.core.idempotency import idempotent_create
from kundennah.core.permissions import require_perm
from kundennah.customers import selectors, services
from kundennah.customers.models import ContactPoint, Customer, Site
from kundennah.customers.schemas import (
    ConsentIn,
    ConsentOut,
    ContactPointIn,
    ContactPointOut,
    ContactPointPatchIn,
    CustomerCreateIn,
    CustomerListItemOut,
    CustomerListOut,
    CustomerOut,
    CustomerPatchIn,
    HoldingIn,
    HoldingOut,
    HoldingPatchIn,
    InteractionIn,
    InteractionOut,
    ListQuery,
    NoteIn,
    NoteOut,
    SiteIn,
    SiteOut,
    SitePatchIn,
    TimelineOut,
    TimelineQuery,
    etag,
    version_of,
)
from kundennah.timeline.selectors import timeline_page
from kundennah.timeline.services import interaction_record

router = Router(tags=["customers"])

# Reads with query or path parameters can also answer 422 (a parameter of the wrong type).
READ = {**ERRORS_READ, 422: ErrorOut}
WRITE = ERRORS_WRITE
RECENT_TIMELINE = 20

IfMatch = HeaderEx[str | None, P(alias="If-Match", max_length=100,
                                 description='ETag as read, e.g. W/"3"')]
IdempotencyKey = HeaderEx[
    str | None,
    P(alias="Idempotency-Key", min_length=1, max_length=200,
      description="The same key with the same body returns the first answer (24 hours)"),
]


# --- Shared steps ---------------------------------------------------------------------------


def _customer_url(request: HttpRequest) -> Callable[[int], str]:
    return lambda pk: request.build_absolute_uri(
        reverse("api-v1:customer_detail", kwargs={"customer_id": pk})
    )


def _customer(request: HttpRequest, customer_id: int, perm: str | None = None) -> Customer:
    customer = selectors.customer_get_for_user(user=request.user, customer_id=customer_id)
    if perm:
        require_perm(request.user, perm)
    return customer


def _record(request: HttpRequest, customer_id: int) -> selectors.Customer360:
    from kundennah.service.selectors import customer_concerns

    record = selectors.customer_360(
        user=request.user, customer_id=customer_id, timeline_limit=RECENT_TIMELINE
    )
    # The service desk's open concerns of this customer, as far as the caller may see them.
    record.open_concerns = customer_concerns(user=request.user, customer_id=customer_id, open_only=True)
    from kundennah.feedback.selectors import standings_of

    record.balance = standings_of([int(customer_id)]).get(int(customer_id))
    return record


def _customer_out(request: HttpRequest, response: HttpResponse, customer_id: int) -> CustomerOut:
    body = CustomerOut.of(_record(request, customer_id), _customer_url(request)(customer_id))
    response["ETag"] = etag(body.version)
    return body


def _site_in_body(request: HttpRequest, customer: Customer, site_id: int | None) -> Site | None:
    if site_id is None:
        return None
    try:
        return selectors.site_get_for_user(user=request.user, customer=customer, site_id=site_id)
    except Http404:
        raise DomainValidationError.single(
            "site_id", "foreign_site", _("This site belongs to another customer.")
        ) from None


def _primaries(customers: list[Customer]) -> dict[int, dict[str, str]]:
    # The newest-customers list carries no contact data; one query adds what tells
    # namesakes apart, as the search results do.
    found: dict[int, dict[str, str]] = {}
    for customer_id, kind, value in ContactPoint.objects.filter(
        customer__in=customers, is_primary=True,
        kind__in=[ContactPoint.Kind.EMAIL, ContactPoint.Kind.PHONE],
    ).values_list("customer_id", "kind", "value"):
        found.setdefault(customer_id, {})[kind] = value
    return found


# --- Idempotent creation --------------------------------------------------------------------


def _idempotent_create(
    request: HttpRequest, *, key: str | None, payload: CustomerCreateIn, create: Callable[[], int]
) -> int | ErrorOut:
    """The id of the customer created for this key and body, created now or the first time."""
    return idempotent_create(user=request.user, key=key, body=payload.model_dump(mode="json"),
                             id_field="customer_id", create=create)


# --- Customers ------------------------------------------------------------------------------


@router.get("", response={200: CustomerListOut, **READ}, summary="Search or list customers")
def customer_list(request: HttpRequest, filters: Query[ListQuery]) -> CustomerListOut:
    """With ``q``: what the search box finds (phone in any format, email, number, name with or
    without umlauts, postcode, site, IBAN). Without: the newest customers."""
    require_perm(request.user, "customers.view_customer")
    url = _customer_url(request)
    if filters.q.strip():
        hits = selectors.customer_search(user=request.user, query=filters.q, limit=filters.limit, kind=filters.kind)
        return CustomerListOut(items=[CustomerListItemOut.of_hit(hit, url) for hit in hits])
    customers = selectors.customer_list(user=request.user, kind=filters.kind, limit=filters.limit)
    primaries = _primaries(customers)
    return CustomerListOut(items=[
        CustomerListItemOut.of_customer(c, primaries.get(c.pk, {}), url) for c in customers
    ])


@router.post("", response={201: CustomerOut, **WRITE}, summary="Create a customer")
def customer_create(
    request: HttpRequest, payload: CustomerCreateIn, response: HttpResponse,
    idempotency_key: IdempotencyKey = None,
) -> Status[Any]:
    """A person or organisation with emails, phones, addresses and sites in one request."""
    require_perm(request.user, "customers.add_customer")
    result = _idempotent_create(
        request, key=idempotency_key, payload=payload,
        create=lambda: services.customer_create(actor=request.user, data=payload.to_input()).pk,
    )
    if isinstance(result, ErrorOut):
        return Status(422, result)
    body = _customer_out(request, response, result)
    response["Location"] = body.url
    return Status(201, body)


@router.get("/{customer_id}", response={200: CustomerOut, **READ}, url_name="customer_detail",
            summary="The customer's 360")
def customer_detail(request: HttpRequest, customer_id: int, response: HttpResponse) -> CustomerOut:
    return _customer_out(request, response, customer_id)


@router.patch("/{customer_id}", response={200: CustomerOut, **WRITE},
              summary="Change profile fields")
def customer_update(
    request: HttpRequest, customer_id: int, payload: CustomerPatchIn, response: HttpResponse,
    if_match: IfMatch = None,
) -> CustomerOut:
    customer = _customer(request, customer_id, "customers.change_customer")
    services.customer_update(
        actor=request.user, customer=customer, changes=payload.changes(),
        expected_version=version_of(if_match, payload.version),
    )
    return _customer_out(request, response, customer.pk)


# --- Contact points -------------------------------------------------------------------------


@router.get("/{customer_id}/contact-points", response={200: list[ContactPointOut], **READ})
def contact_point_list(request: HttpRequest, customer_id: int) -> list[ContactPointOut]:
    return [ContactPointOut.of(p) for p in _record(request, customer_id).contact_points]


@router.post("/{customer_id}/contact-points", response={201: ContactPointOut, **WRITE})
def contact_point_add(
    request: HttpRequest, customer_id: int, payload: ContactPointIn
) -> Status[ContactPointOut]:
    customer = _customer(request, customer_id, "customers.change_customer")
    point = services.contact_point_add(
        actor=request.user, customer=customer, data=payload.to_input()
    )
    return Status(201, ContactPointOut.of(point))


@router.patch("/{customer_id}/contact-points/{contact_point_id}",
              response={200: ContactPointOut, **WRITE})
def contact_point_update(
    request: HttpRequest, customer_id: int, contact_point_id: int, payload: ContactPointPatchIn,
    if_match: IfMatch = None,
) -> ContactPointOut:
    customer = _customer(request, customer_id, "customers.change_customer")
    point = selectors.contact_point_get_for_user(
        user=request.user, customer=customer, contact_point_id=contact_point_id
    )
    point = services.contact_point_update(
        actor=request.user, contact_point=point, data=payload.to_input(point),
        expected_version=version_of(if_match, payload.version),
    )
    return ContactPointOut.of(point)


@router.delete("/{customer_id}/contact-points/{contact_point_id}", response={204: None, **WRITE})
def contact_point_remove(
    request: HttpRequest, customer_id: int, contact_point_id: int
) -> Status[None]:
    customer = _customer(request, customer_id, "customers.change_customer")
    point = selectors.contact_point_get_for_user(
        user=request.user, customer=customer, contact_point_id=contact_point_id
    )
    services.contact_point_remove(actor=request.user, contact_point=point)
    return Status(204, None)


@router.post("/{customer_id}/contact-points/{contact_point_id}/primary",
             response={200: ContactPointOut, **WRITE}, summary="Make the primary of its kind")
def contact_point_make_primary(
    request: HttpRequest, customer_id: int, contact_point_id: int
) -> ContactPointOut:
    customer = _customer(request, customer_id, "customers.change_customer")
    point = selectors.contact_point_get_for_user(
        user=request.user, customer=customer, contact_point_id=contact_point_id
    )
    return ContactPointOut.of(
        services.contact_point_make_primary(actor=request.user, contact_point=point)
    )


# --- Sites ----------------------------------------------------------------------------------


def _site_url(request: HttpRequest, site: Site) -> str:
    return request.build_absolute_uri(reverse(
        "api-v1:site_detail", kwargs={"customer_id": site.organisation_id, "site_id": site.pk}
    ))


@router.get("/{customer_id}/sites", response={200: list[SiteOut], **READ})
def site_list(request: HttpRequest, customer_id: int) -> list[SiteOut]:
    return [SiteOut.of(s) for s in _record(request, customer_id).sites]


@router.post("/{customer_id}/sites", response={201: SiteOut, **WRITE})
def site_add(
    request: HttpRequest, customer_id: int, payload: SiteIn, response: HttpResponse
) -> Status[SiteOut]:
    customer = _customer(request, customer_id, "customers.change_customer")
    site = services.site_add(actor=request.user, organisation=customer, data=payload.to_input())
    response["Location"] = _site_url(request, site)
    return Status(201, SiteOut.of(site))


@router.get("/{customer_id}/sites/{site_id}", response={200: SiteOut, **READ},
            url_name="site_detail")
def site_detail(request: HttpRequest, customer_id: int, site_id: int) -> SiteOut:
    customer = _customer(request, customer_id)
    return SiteOut.of(selectors.site_get_for_user(user=request.user, customer=customer,
                                                  site_id=site_id))


@router.patch("/{customer_id}/sites/{site_id}", response={200: SiteOut, **WRITE})
def site_update(
    request: HttpRequest, customer_id: int, site_id: int, payload: SitePatchIn,
    if_match: IfMatch = None,
) -> SiteOut:
    customer = _customer(request, customer_id, "customers.change_customer")
    site = selectors.site_get_for_user(user=request.user, customer=customer, site_id=site_id)
    site = services.site_update(
        actor=request.user, site=site, data=payload.to_input(site),
        expected_version=version_of(if_match, payload.version),
    )
    return SiteOut.of(site)


# --- Holdings -------------------------------------------------------------------------------


@router.get("/{customer_id}/holdings", response={200: list[HoldingOut], **READ})
def holding_list(request: HttpRequest, customer_id: int) -> list[HoldingOut]:
    return [HoldingOut.of(h) for h in _record(request, customer_id).holdings]


@router.post("/{customer_id}/holdings", response={201: HoldingOut, **WRITE})
def holding_add(
    request: HttpRequest, customer_id: int, payload: HoldingIn
) -> Status[HoldingOut]:
    customer = _customer(request, customer_id, "customers.change_customer")
    holding = services.holding_add(actor=request.user, customer=customer, data=payload.to_input())
    return Status(201, HoldingOut.of(holding))


@router.patch("/{customer_id}/holdings/{holding_id}", response={200: HoldingOut, **WRITE})
def holding_update(
    request: HttpRequest, customer_id: int, holding_id: int, payload: HoldingPatchIn,
    if_match: IfMatch = None,
) -> HoldingOut:
    customer = _customer(request, customer_id, "customers.change_customer")
    holding = selectors.holding_get_for_user(
        user=request.user, customer=customer, holding_id=holding_id
    )
    holding = services.holding_update(
        actor=request.user, holding=holding, data=payload.to_input(holding),
        expected_version=version_of(if_match, payload.version),
    )
    return HoldingOut.of(holding)


# --- Consents and notes ---------------------------------------------------------------------


@router.get("/{customer_id}/consents", response={200: list[ConsentOut], **READ})
def consent_list(request: HttpRequest, customer_id: int, history: bool = False) -> list[ConsentOut]:
    """The current decision per channel and purpose; with ``history=true`` every decision."""
    record = _record(request, customer_id)
    return [ConsentOut.of(c) for c in (record.consent_log if history else record.consents)]


@router.post("/{customer_id}/consents", response={201: ConsentOut, **WRITE})
def consent_record(
    request: HttpRequest, customer_id: int, payload: ConsentIn
) -> Status[ConsentOut]:
    customer = _customer(request, customer_id, "customers.change_customer")
    consent = services.consent_record(actor=request.user, customer=customer, **payload.model_dump())
    return Status(201, ConsentOut.of(consent))


@router.get("/{customer_id}/notes", response={200: list[NoteOut], **READ})
def note_list(request: HttpRequest, customer_id: int) -> list[NoteOut]:
    """Sensitive notes only for team leads, administrators and their author."""
    return [NoteOut.of(n) for n in _record(request, customer_id).notes]


@router.post("/{customer_id}/notes", response={201: NoteOut, **WRITE})
def note_add(request: HttpRequest, customer_id: int, payload: NoteIn) -> Status[NoteOut]:
    customer = _customer(request, customer_id, "customers.change_customer")
    note = services.note_add(
        actor=request.user, customer=customer, text=payload.text, is_sensitive=payload.is_sensitive
    )
    return Status(201, NoteOut.of(note))


# --- Timeline -------------------------------------------------------------------------------


@router.get("/{customer_id}/timeline", response={200: TimelineOut, **READ})
def timeline(request: HttpRequest, customer_id: int, filters: Query[TimelineQuery]) -> TimelineOut:
    """Newest first; pass ``next_cursor`` as ``cursor`` for the next page."""
    customer = _customer(request, customer_id, "timeline.view_interaction")
    page = timeline_page(
        customer=customer, channel=filters.channel, cursor=filters.cursor, limit=filters.limit
    )
    return TimelineOut(
        items=[InteractionOut.of(i) for i in page.items], next_cursor=page.next_cursor
    )


@router.post("/{customer_id}/timeline", response={201: InteractionOut, **WRITE},
             summary="Record a contact")
def interaction_add(
    request: HttpRequest, customer_id: int, payload: InteractionIn
) -> Status[InteractionOut]:
    """With ``external_key`` the call is idempotent: a retry answers with the first contact."""
    customer = _customer(request, customer_id, "timeline.add_interaction")
    interaction = interaction_record(
        customer=customer, channel=payload.channel, direction=payload.direction,
        occurred_at=payload.occurred_at, subject=payload.subject, summary=payload.summary,
        site=_site_in_body(request, customer, payload.site_id), actor=request.user,
        external_key=payload.external_key,
    )
    return Status(201, InteractionOut.of(interaction))
