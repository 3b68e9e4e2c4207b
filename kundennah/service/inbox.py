"""The agent's inbox: which concerns a view shows, filtered, in the order work is due.

Every view reads through ``concerns_visible_to`` and orders by ``(due_at nulls last, received_at,
id)`` on an open-status filter, so the (status, due_at, id), (team, status, due_at, id) and
(assignee, status, due_at, id) indexes serve the first page even with a million concerns. A page
costs a fixed number of queries: the pinned callbacks and the rows, each with their relations
joined; no COUNT over the whole table (the next page is known by fetching one row more).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.service.models import Concern, Priority
from kundennah.service.selectors import concerns_visible_to
from kundennah.timeline.models import Interaction

PAGE_SIZE = 50
PINNED_CALLBACKS = 10

VIEWS: dict[str, Any] = {
    "mine": _("Mine"),
    "team": _("My teams"),
    "unassigned": _("Unassigned"),
    "at_risk": _("At risk"),
    "overdue": _("Overdue"),
    "callbacks": _("Callbacks"),
    "all": _("All"),
}
DEFAULT_VIEW = "team"


@dataclass
class InboxQuery:
    view: str = DEFAULT_VIEW
    status: str = ""
    channel: str = ""
    priority: str = ""
    team: int | None = None
    category: int | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: Any) -> InboxQuery:
        """Read the query string leniently: an unknown value is ignored, never an error page."""
        view = params.get("view") or DEFAULT_VIEW
        status = params.get("status") or ""
        channel = params.get("channel") or ""
        priority = params.get("priority") or ""
        return cls(
            view=view if view in VIEWS else DEFAULT_VIEW,
            status=status if status in Concern.Status.values or status == "any" else "",
            channel=channel if channel in Interaction.Channel.values else "",
            priority=priority if priority in Priority.values else "",
            team=_int(params.get("team")),
            category=_int(params.get("category")),
            q=" ".join((params.get("q") or "").split())[:100],
            page=max(1, min(_int(params.get("page")) or 1, 1000)),
        )

    def params(self, **override: Any) -> dict[str, Any]:
        values = {"view": self.view, "status": self.status, "channel": self.channel, "priority": self.priority,
                  "team": self.team or "", "category": self.category or "", "q": self.q, "page": self.page}
        values.update(override)
        return {key: value for key, value in values.items() if value not in ("", None, 1) or key == "view"}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class InboxPage:
    query: InboxQuery
    rows: list[Concern]
    callbacks: list[Concern] = field(default_factory=list)
    has_next: bool = False
    now: Any = None

    @property
    def has_previous(self) -> bool:
        return self.query.page > 1


def _scoped(user: Any, query: InboxQuery, now: Any) -> QuerySet[Concern]:
    concerns = concerns_visible_to(user)
    if query.status in ("any", Concern.Status.RESOLVED, Concern.Status.CLOSED):
        # Merged concerns are closed, so only lists of done work need to leave them out; on
        # the open views this filter would tempt the planner away from the inbox indexes.
        concerns = concerns.filter(merged_into__isnull=True)
    view = query.view
    if view == "mine":
        concerns = concerns.filter(assignee=user)
    elif view == "team":
        concerns = concerns.filter(team__in=user.teams.all())
    elif view == "unassigned":
        concerns = concerns.filter(assignee__isnull=True)
    elif view == "at_risk":
        concerns = concerns.filter(sla_state=Concern.Sla.AT_RISK)
    elif view == "overdue":
        # A range on the inbox index; the sweep's "breached" means the same once it has run.
        concerns = concerns.filter(inbox_due_at__lt=now)
    elif view == "callbacks":
        concerns = concerns.filter(kind=Concern.Kind.CALLBACK)
    if query.status == "any":
        pass
    elif query.status:
        concerns = concerns.filter(status=query.status)
        if query.status in Concern.OPEN_STATES:
            concerns = concerns.filter(inbox_due_at__isnull=False)
    else:
        # "Open" as the partial inbox indexes know it (inbox_due_at is set exactly while open).
        concerns = concerns.filter(inbox_due_at__isnull=False)
    if query.channel:
        concerns = concerns.filter(channel=query.channel)
    if query.priority:
        concerns = concerns.filter(priority=query.priority)
    if query.team:
        concerns = concerns.filter(team_id=query.team)
    if query.category:
        concerns = concerns.filter(category_id=query.category)
    if query.q:
        text = query.q
        concerns = concerns.filter(
            Q(reference__iexact=text) | Q(subject__icontains=text) | Q(contact_name__icontains=text)
            | Q(contact_email__iexact=text) | Q(customer__display_name__icontains=text)
        )
    return concerns


def _ordered(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    # Index order of the partial inbox indexes: the first page is read, not sorted.
    return concerns.select_related("customer", "team", "assignee", "category").order_by("inbox_due_at", "id")


def inbox_page(*, user: Any, query: InboxQuery) -> InboxPage:
    """One page of the inbox for ``user``; open callbacks are pinned above the first page."""
    now = timezone.now()
    scoped = _scoped(user, query, now)
    callbacks: list[Concern] = []
    if query.view != "callbacks":
        if query.page == 1:
            pinned = scoped.filter(kind=Concern.Kind.CALLBACK, inbox_due_at__isnull=False)
            callbacks = list(_ordered(pinned)[:PINNED_CALLBACKS])
        # Callbacks stay pinned while open; below them only the rest, so nothing shows twice.
        scoped = scoped.exclude(kind=Concern.Kind.CALLBACK, inbox_due_at__isnull=False)
    start = (query.page - 1) * PAGE_SIZE
    rows = list(_ordered(scoped)[start:start + PAGE_SIZE + 1])
    return InboxPage(query=query, rows=rows[:PAGE_SIZE], callbacks=callbacks, has_next=len(rows) > PAGE_SIZE,
                     now=now)


def due_state(concern: Concern, now: Any) -> str:
    """on_track / at_risk / overdue / paused / none: what the row's badge shows."""
    if not concern.is_open:
        return "none"
    if concern.status == Concern.Status.WAITING_CUSTOMER:
        return "paused"
    if concern.sla_state == Concern.Sla.BREACHED or (concern.due_at is not None and concern.due_at < now):
        return "overdue"
    if concern.sla_state == Concern.Sla.AT_RISK:
        return "at_risk"
    return "on_track" if concern.due_at is not None else "none"
