"""The agent's inbox, bulk actions, attachment downloads and the customer pickers.

The concern page and its actions live in ``views_concern``. Every read goes through the
permission-scoped selectors; customer contacts get 403, concerns of other teams 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kundennah.accounts.models import Team
from kundennah.core.errors import ConflictError, DomainValidationError
from kundennah.core.permissions import staff_required
from kundennah.customers.selectors import customer_search
from kundennah.service import selectors, services
from kundennah.service.forms import BulkForm, _agents
from kundennah.service.inbox import VIEWS, InboxQuery, inbox_page
from kundennah.service.models import Category, Concern, Priority
from kundennah.timeline.models import Interaction

INLINE_IMAGES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


def _inbox_context(request: HttpRequest, query: InboxQuery) -> dict[str, Any]:
    return {
        "page": inbox_page(user=request.user, query=query),
        "query": query,
        "views": VIEWS,
        "nav": "service",
    }


@staff_required("service.view_concern")
def inbox(request: HttpRequest) -> HttpResponse:
    query = InboxQuery.from_params(request.GET)
    context = _inbox_context(request, query)
    if request.headers.get("HX-Request") == "true" and request.GET.get("partial") == "list":
        return render(request, "service/_inbox_list.html", context)
    context.update({
        "teams": list(Team.objects.order_by("name")),
        "categories": list(Category.objects.filter(active=True)),
        "agents": list(_agents()),
        "statuses": Concern.Status.choices,
        "channels": Interaction.Channel.choices,
        "priorities": Priority.choices,
    })
    return render(request, "service/inbox.html", context)


@require_POST
@staff_required("service.change_concern")
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Assign or close the selected concerns; each is checked on its own, and what fails is said."""
    form = BulkForm(request.POST)
    done, failed = 0, []
    if form.is_valid():
        data = form.cleaned_data
        concerns = selectors.concerns_visible_to(request.user).filter(pk__in=data["ids"]).select_related("team")
        for concern in concerns:
            try:
                _bulk_one(concern, data, request.user)
                done += 1
            except (DomainValidationError, ConflictError) as exc:
                failed.append((concern.reference, _bulk_reason(exc)))
    query = InboxQuery.from_params(request.POST)
    context = _inbox_context(request, query)
    context.update({"bulk_done": done, "bulk_failed": failed, "bulk_errors": form.errors if form.errors else None,
                    "bulk_message": ngettext("%(count)d concern changed.", "%(count)d concerns changed.", done)
                    % {"count": done}})
    return render(request, "service/_inbox_list.html", context, status=422 if form.errors else 200)


def _bulk_one(concern: Concern, data: dict[str, Any], user: Any) -> None:
    action = data["action"]
    if action == "assign_me":
        team = concern.team if concern.team and user.teams.filter(pk=concern.team_id).exists() else None
        services.concern_assign(concern=concern, actor=user, assignee=user, team=team or user.teams.first())
    elif action == "assign_agent":
        services.concern_assign(concern=concern, actor=user, assignee=data["assignee"])
    elif action == "assign_team":
        services.concern_assign(concern=concern, actor=user, team=data["team"])
    elif action == "close":
        services.concern_transition(concern=concern, status=Concern.Status.CLOSED, actor=user)


def _bulk_reason(exc: Exception) -> str:
    if isinstance(exc, DomainValidationError):
        return "; ".join(str(error.message) for error in exc.errors)
    return str(getattr(exc, "message", "") or _("Someone changed it in the meantime."))


@staff_required("service.view_concern")
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = selectors.attachment_get_for_user(user=request.user, attachment_id=attachment_id)
    # Only known image types may show in the browser; everything else is a download, and
    # nosniff stops the browser from second-guessing the type we checked on upload.
    inline = request.GET.get("inline") == "1" and attachment.content_type in INLINE_IMAGES
    response = FileResponse(attachment.file.open("rb"), as_attachment=not inline, filename=attachment.filename,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required("service.view_concern")
def customer_pick(request: HttpRequest) -> HttpResponse:
    """Who is this? The customer a phone number identifies, or search hits to choose from."""
    phone = request.GET.get("contact_phone", "").strip()
    text = (request.GET.get("search") or request.GET.get("q") or "").strip()
    identified = services.customer_identify(phone=phone) if len(phone) >= 5 else None
    hits = []
    if identified is None and (text or len(phone) >= 5):
        hits = customer_search(user=request.user, query=text or phone, limit=8)
    return render(request, "service/_customer_pick.html", {
        "identified": identified, "hits": hits, "searched": bool(text or phone),
    })


@staff_required("service.view_concern")
def customer_concerns(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The open concerns section of the customer 360 page, loaded after the page itself."""
    concerns = selectors.customer_concerns(user=request.user, customer_id=customer_id, open_only=True,
                                           limit=settings.SEARCH_RESULT_LIMIT)
    return render(request, "service/_customer_concerns.html", {"concerns": concerns, "now": timezone.now()})
