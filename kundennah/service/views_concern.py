"""The concern page: the conversation, the customer beside it, and every action on the concern.

Each action is a POST that runs one service through ``_act``: on success htmx gets the
refreshed conversation column (and, out of band, the tool panel, whose forms carry the new
version); on a broken rule or a conflict it gets the form back with its errors (status 422).
Without htmx a successful POST redirects to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.core.errors import ConflictError, DomainValidationError
from kundennah.core.forms import form_submit
from kundennah.core.permissions import staff_required
from kundennah.customers.models import Site
from kundennah.customers.selectors import customer_360, customer_get_for_user
from kundennah.service import selectors, services
from kundennah.service.answers import answer_for, answer_templates_for
from kundennah.service.forms import (
    AssignForm,
    CallbackDoneForm,
    LinkCustomerForm,
    MergeForm,
    NoteForm,
    ReplyForm,
    StatusForm,
    TriageForm,
)
from kundennah.service.inbox import due_state
from kundennah.service.models import Concern, Message
from kundennah.service.services import TRANSITIONS

# Buttons in this order, whatever the set of allowed transitions.
STATUS_ORDER = [Concern.Status.OPEN, Concern.Status.WAITING_CUSTOMER, Concern.Status.WAITING_THIRD_PARTY,
                Concern.Status.RESOLVED, Concern.Status.CLOSED]


def _sites(concern: Concern) -> list[Site]:
    if concern.customer_id is None:
        return []
    return list(Site.objects.filter(organisation_id=concern.customer_id).order_by("name", "id"))


def _history(concern: Concern) -> list[dict[str, Any]]:
    """Status, team and assignee changes from the concern's audit trail, oldest first."""
    entries: list[dict[str, Any]] = []
    previous = None
    for record in concern.history.select_related("history_user", "assignee", "team").order_by("history_date",
                                                                                                "history_id"):
        who = record.history_user.display_name if record.history_user else ""
        if previous is not None and record.status != previous.status:
            entries.append({"at": record.history_date, "who": who, "text": _("Status: %(old)s → %(new)s") % {
                "old": Concern.Status(previous.status).label, "new": Concern.Status(record.status).label}})
        if previous is not None and record.team_id != previous.team_id:
            entries.append({"at": record.history_date, "who": who, "text": _("Team: %(team)s") % {
                "team": record.team.name if record.team else "–"}})
        if previous is not None and record.assignee_id != previous.assignee_id:
            entries.append({"at": record.history_date, "who": who, "text": _("Assigned to %(agent)s") % {
                "agent": record.assignee.display_name if record.assignee else _("nobody")}})
        previous = record
    return entries


def _conversation(concern: Concern) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"at": m.created_at, "message": m} for m in selectors.messages_for_agent(concern)]
    items += [{"at": e["at"], "event": e} for e in _history(concern)]
    return sorted(items, key=lambda item: item["at"])


def _forms(concern: Concern, sites: list[Site], **bound: Form) -> dict[str, Form]:
    version = {"version": concern.version}
    forms: dict[str, Form] = {
        "reply_form": ReplyForm(initial=version),
        "note_form": NoteForm(initial=version),
        "assign_form": AssignForm(initial={**version, "team": concern.team_id, "assignee": concern.assignee_id}),
        "triage_form": TriageForm(sites=sites, initial={
            **version, "subject": concern.subject, "category": concern.category_id, "priority": concern.priority,
            "site": concern.site_id}),
        "merge_form": MergeForm(),
        "link_form": LinkCustomerForm(),
        "callback_form": CallbackDoneForm(initial={"reached": True}),
    }
    forms.update(bound)
    return forms


def _context(request: HttpRequest, concern: Concern, **bound: Form) -> dict[str, Any]:
    sites = _sites(concern)
    now = timezone.now()
    allowed = TRANSITIONS.get(concern.status, set())
    return {
        "concern": concern,
        "now": now,
        "due": due_state(concern, now),
        "conversation": _conversation(concern),
        "transitions": [(s, Concern.Status(s).label) for s in STATUS_ORDER if s in allowed],
        "answer_templates": list(answer_templates_for(concern=concern)),
        "callback_phone": concern.contact_phone,
        "nav": "service",
        **_forms(concern, sites, **bound),
    }


@staff_required("service.view_concern")
def concern_detail(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    context = _context(request, concern)
    if concern.customer_id is not None:
        context["c"] = customer_360(user=request.user, customer_id=concern.customer_id, timeline_limit=5)
        context["earlier"] = [c for c in selectors.customer_concerns(
            user=request.user, customer_id=concern.customer_id, limit=11) if c.pk != concern.pk][:10]
    return render(request, "service/concern.html", context)


def _act(
    request: HttpRequest, concern_id: int, *, name: str, form: Form,
    action: Callable[[Concern, dict[str, Any]], Any], after: Callable[[Concern], HttpResponse | None] | None = None,
) -> HttpResponse:
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    if not request.user.has_perm("service.change_concern"):
        raise PermissionDenied
    if form_submit(form, lambda data: action(concern, data) or True) is None:
        context = _context(request, concern, **{f"{name}_form": form})
        response = render(request, f"service/forms/{name}.html", context, status=422)
        response["HX-Retarget"] = f"#form-{name}"
        response["HX-Reswap"] = "outerHTML"
        return response
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    if after is not None and (special := after(concern)) is not None:
        return special
    if request.headers.get("HX-Request") != "true":
        return redirect("service:concern", concern.pk)
    response = render(request, "service/_concern_main.html", {**_context(request, concern), "oob": True})
    response["HX-Retarget"] = "#concern-main"
    response["HX-Reswap"] = "outerHTML"
    return response


def _check_version(concern: Concern, data: dict[str, Any]) -> None:
    if data["version"] != concern.version:
        raise ConflictError()


@require_POST
@staff_required("service.view_concern")
def reply(request: HttpRequest, concern_id: int) -> HttpResponse:
    def send(concern: Concern, data: dict[str, Any]) -> Any:
        _check_version(concern, data)
        return services.message_add(concern=concern, kind=Message.Kind.OUTBOUND, body=data["body"],
                                    actor=request.user, attachments=data["attachments"],
                                    status_after=data["status_after"] or None)

    return _act(request, concern_id, name="reply", form=ReplyForm(request.POST, request.FILES), action=send)


@require_POST
@staff_required("service.view_concern")
def note(request: HttpRequest, concern_id: int) -> HttpResponse:
    def write(concern: Concern, data: dict[str, Any]) -> Any:
        _check_version(concern, data)
        return services.message_add(concern=concern, kind=Message.Kind.NOTE, body=data["body"], actor=request.user,
                                    attachments=data["attachments"])

    return _act(request, concern_id, name="note", form=NoteForm(request.POST, request.FILES), action=write)


@require_POST
@staff_required("service.view_concern")
def status(request: HttpRequest, concern_id: int) -> HttpResponse:
    return _act(request, concern_id, name="status", form=StatusForm(request.POST), action=lambda c, d: (
        services.concern_transition(concern=c, status=d["status"], actor=request.user,
                                    expected_version=d["version"])))


@require_POST
@staff_required("service.view_concern")
def assign(request: HttpRequest, concern_id: int) -> HttpResponse:
    return _act(request, concern_id, name="assign", form=AssignForm(request.POST), action=lambda c, d: (
        services.concern_assign(concern=c, actor=request.user, team=d["team"], assignee=d["assignee"],
                                expected_version=d["version"])))


@require_POST
@staff_required("service.view_concern")
def triage(request: HttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    sites = {site.pk: site for site in _sites(concern)}

    def update(c: Concern, d: dict[str, Any]) -> Any:
        site = sites.get(d.get("site") or 0)
        return services.concern_update(
            concern=c, actor=request.user, subject=d["subject"], category=d["category"], priority=d["priority"],
            site=site, clear_category=d["category"] is None, clear_site=site is None and bool(sites),
            expected_version=d["version"])

    form = TriageForm(request.POST, sites=list(sites.values()))
    return _act(request, concern_id, name="triage", form=form, action=update)


@require_POST
@staff_required("service.merge_concern")
def merge(request: HttpRequest, concern_id: int) -> HttpResponse:
    def merge_into(concern: Concern, data: dict[str, Any]) -> Concern:
        try:
            target = selectors.concern_by_reference_for_user(user=request.user, reference=data["target"])
        except Http404:
            raise DomainValidationError.single("target", "unknown_concern", _("No concern has this reference.")
                                               ) from None
        return services.concern_merge(source=concern, target=target, actor=request.user)

    def go_to_target(concern: Concern) -> HttpResponse:
        url = reverse("service:concern", args=[concern.merged_into_id])
        response = HttpResponse(status=204 if request.headers.get("HX-Request") == "true" else 302)
        response["HX-Redirect" if response.status_code == 204 else "Location"] = url
        return response

    return _act(request, concern_id, name="merge", form=MergeForm(request.POST), action=merge_into,
                after=go_to_target)


@require_POST
@staff_required("service.view_concern")
def link_customer(request: HttpRequest, concern_id: int) -> HttpResponse:
    def link(concern: Concern, data: dict[str, Any]) -> Concern:
        try:
            customer = customer_get_for_user(user=request.user, customer_id=data["customer_id"])
        except Http404:
            raise DomainValidationError.single("customer_id", "unknown_customer", _("This customer does not exist.")
                                               ) from None
        return services.concern_link_customer(concern=concern, customer=customer, actor=request.user)

    def reload(concern: Concern) -> HttpResponse:
        # The customer panel beside the conversation changes too: show the whole page anew.
        response = HttpResponse(status=204) if request.headers.get("HX-Request") == "true" else redirect(
            "service:concern", concern.pk)
        response["HX-Refresh"] = "true"
        return response

    return _act(request, concern_id, name="link", form=LinkCustomerForm(request.POST), action=link, after=reload)


@require_POST
@staff_required("service.view_concern")
def callback_done(request: HttpRequest, concern_id: int) -> HttpResponse:
    return _act(request, concern_id, name="callback", form=CallbackDoneForm(request.POST), action=lambda c, d: (
        services.callback_complete(concern=c, actor=request.user, note=d["note"], reached=d["reached"])))


@staff_required("service.view_concern")
def answer(request: HttpRequest, concern_id: int, template_id: int) -> HttpResponse:
    """An answer template filled for this concern, as plain text for the reply composer."""
    concern = selectors.concern_get_for_user(user=request.user, concern_id=concern_id)
    text = answer_for(concern=concern, template_id=template_id, agent=request.user)
    return HttpResponse(text, content_type="text/plain; charset=utf-8")
