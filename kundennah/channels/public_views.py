"""The public pages: contact form, callback request, acknowledgement and the status page.

No login anywhere: the status page is opened by the concern's access token (a capability, 43
random characters), so its pages are kept out of search engines and referrer headers. Every
page shows the phone number, the hours and the callback button (``public/base.html``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from kundennah.channels import webform
from kundennah.channels.forms import CallbackForm, ContactForm, ReplyForm, SubmissionForm, incoming_files
from kundennah.core.errors import DomainValidationError, InvalidTransitionError
from kundennah.service.acknowledgement import promise_sentence
from kundennah.service.models import Concern, Message
from kundennah.service.selectors import concern_for_access_token, messages_for_customer
from kundennah.service.services import message_add

# What a customer reads for each status: our internal distinctions mean nothing to them.
CUSTOMER_STATUS: dict[str, Any] = {
    Concern.Status.NEW: _("Received"),
    Concern.Status.OPEN: _("In progress"),
    Concern.Status.WAITING_CUSTOMER: _("Waiting for your answer"),
    Concern.Status.WAITING_THIRD_PARTY: _("In progress"),
    Concern.Status.RESOLVED: _("Resolved"),
    Concern.Status.CLOSED: _("Closed"),
}


def customer_status(concern: Concern) -> str:
    if concern.is_callback and concern.status in {Concern.Status.RESOLVED, Concern.Status.CLOSED}:
        return str(_("Done: we called you"))
    return str(CUSTOMER_STATUS.get(concern.status, concern.get_status_display()))


def _private(response: HttpResponse) -> HttpResponse:
    # The URL is the key to the concern: never hand it to another site or a shared cache.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "public/rate_limited.html", status=429)


def _public_form(request: HttpRequest, *, form: SubmissionForm, scope: str, template: str,
                 submit: Any) -> HttpResponse:
    """The shared flow of the public forms: spam checks, one intake call, the acknowledgement."""
    if request.method == "POST":
        if form.is_valid():
            if webform.rate_limited(request, scope=scope):
                return _refused(request)
            try:
                concern = submit(form)
            except DomainValidationError as exc:
                form.domain_errors(exc)
            else:
                return redirect("public:thanks", token=concern.access_token)
        elif form.spam and webform.rate_limited(request, scope=scope):
            return _refused(request)
    return render(request, template, {"form": form}, status=400 if form.is_bound else 200)


def contact(request: HttpRequest) -> HttpResponse:
    form = ContactForm(request.POST or None, request.FILES or None)
    return _public_form(request, form=form, scope="contact", template="public/contact.html", submit=lambda f: (
        webform.contact_submit(request=request, data=f.cleaned_data, submission_id=f.submission_id)))


def callback(request: HttpRequest) -> HttpResponse:
    form = CallbackForm(request.POST or None)
    return _public_form(request, form=form, scope="callback", template="public/callback.html", submit=lambda f: (
        webform.callback_submit(request=request, data=f.cleaned_data, window=f.callback_window(),
                                submission_id=f.submission_id)))


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    concern = concern_for_access_token(token)
    context = {"concern": concern, "promise": promise_sentence(concern), "noindex": True}
    return _private(render(request, "public/thanks.html", context))


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    concern = concern_for_access_token(token)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message_add(concern=concern, kind=Message.Kind.INBOUND, body=form.cleaned_data["message"],
                        channel=concern.channel, sender_name=concern.contact_name,
                        attachments=incoming_files(form.cleaned_data.get("attachments") or []),
                        external_key=f"status-reply:{form.submission_id}")
        except DomainValidationError as exc:
            form.domain_errors(exc)
        except InvalidTransitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("public:status", token=token)
    context = status_context(concern, form)
    response = render(request, "public/status.html", context, status=400 if form.is_bound else 200)
    return _private(response)


def status_context(concern: Concern, form: ReplyForm) -> dict[str, Any]:
    """What the status page and the portal's concern page show the customer."""
    waiting = concern.is_open and concern.first_responded_at is None and concern.human_reached_at is None
    return {
        "concern": concern, "form": form, "noindex": True, "status_label": customer_status(concern),
        "promise": promise_sentence(concern) if waiting else "",
        "conversation": list(messages_for_customer(concern)),
    }
