"""The minimal portal: a signed-in customer contact's own concerns, a new one, replies, callbacks.

Only users with the customer role enter (staff get 403, nobody signed in goes to the login).
Every read goes through ``concerns_of_customer_contact``, so another customer's concern is a
404 like a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kundennah.channels import webform
from kundennah.channels.forms import PortalCallbackForm, PortalConcernForm, ReplyForm, incoming_files
from kundennah.channels.public_views import customer_status, status_context
from kundennah.core.errors import DomainValidationError, InvalidTransitionError
from kundennah.service.acknowledgement import acknowledgement_schedule
from kundennah.service.models import Concern, Message
from kundennah.service.selectors import concern_get_for_customer_contact, concerns_of_customer_contact
from kundennah.service.services import ConcernIntake, concern_intake, message_add
from kundennah.timeline.models import Interaction

LIST_LIMIT = 100


def customer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.role != user.Role.CUSTOMER or not user.is_active:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@customer_required
def portal(request: HttpRequest) -> HttpResponse:
    concerns = list(concerns_of_customer_contact(request.user).order_by("-received_at", "-id")[:LIST_LIMIT])
    rows = [(concern, customer_status(concern)) for concern in concerns]
    return render(request, "public/portal/list.html", {"rows": rows})


def _portal_intake(request: HttpRequest, form: PortalConcernForm) -> Concern:
    user: Any = request.user
    data = form.cleaned_data
    concern = concern_intake(data=ConcernIntake(
        channel=Interaction.Channel.PORTAL, subject=data["subject"], body=data["message"], customer=user.customer,
        contact_name=user.display_name, contact_email=user.email, raised_by=user, language=user.language,
        attachments=incoming_files(data.get("attachments") or []), external_key=f"portal:{form.submission_id}",
    ))
    acknowledgement_schedule(concern, base_url=request.build_absolute_uri("/"))
    return concern


@customer_required
def portal_new(request: HttpRequest) -> HttpResponse:
    form = PortalConcernForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            concern = _portal_intake(request, form)
        except DomainValidationError as exc:
            form.domain_errors(exc)
        else:
            return redirect("public:portal_concern", concern_id=concern.pk)
    return render(request, "public/portal/new.html", {"form": form}, status=400 if form.is_bound else 200)


@customer_required
def portal_concern(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = concern_get_for_customer_contact(user=request.user, concern_id=concern_id)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        try:
            message_add(concern=concern, kind=Message.Kind.INBOUND, body=form.cleaned_data["message"],
                        channel=Interaction.Channel.PORTAL, sender_name=user.display_name,
                        attachments=incoming_files(form.cleaned_data.get("attachments") or []),
                        external_key=f"portal-reply:{form.submission_id}")
        except DomainValidationError as exc:
            form.domain_errors(exc)
        except InvalidTransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("public:portal_concern", concern_id=concern.pk)
    return render(request, "public/portal/detail.html", status_context(concern, form),
                  status=400 if form.is_bound else 200)


@customer_required
def portal_callback(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    initial = {"phone": _known_phone(user)}
    form = PortalCallbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            concern = webform.callback_submit(
                request=request, data=form.cleaned_data, window=form.callback_window(),
                submission_id=form.submission_id, channel=Interaction.Channel.PORTAL, user=user,
            )
        except DomainValidationError as exc:
            form.domain_errors(exc)
        else:
            return redirect("public:portal_concern", concern_id=concern.pk)
    return render(request, "public/portal/callback.html", {"form": form}, status=400 if form.is_bound else 200)


def _known_phone(user: Any) -> str:
    # Prefilled from the customer's primary phone: the customer only confirms it.
    customer = getattr(user, "customer", None)
    if customer is None:
        return ""
    point = customer.contact_points.filter(kind="phone").order_by("-is_primary", "id").first()
    return point.value if point is not None else ""
