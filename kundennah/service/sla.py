"""Keeping the promise: the periodic sweep over open concerns, and the agent's presence.

Every minute the sweep looks at the open concerns that still have a due time and are not yet
known to be late. A concern that has used 75 % of its promised business time becomes *at risk*,
one past its due time *overdue* (breached). Only a change of state acts: it is claimed with a
conditional UPDATE (``WHERE sla_state = <the state we read>``), so two sweeps running at once
cannot both claim it; the winner writes the outbox event, and after commit the team leads of the
concern's team get one mail listing what changed, in their language. A second sweep finds
nothing to do.

Concerns whose assignee is away or off are given to an available colleague of the team (the
same choice as for new concerns); when nobody is available they stay, and the state-change event
says so. Work goes in batches by id with a fixed number of reads per batch: the only per-row
queries are the writes (the claim, the event, a reassignment).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from kundennah.accounts.models import User
from kundennah.core.emails import header_text
from kundennah.core.errors import ConflictError, DomainValidationError
from kundennah.core.events import event_record
from kundennah.service.calendar import BusinessCalendar, due_format
from kundennah.service.models import AgentPresence, Concern
from kundennah.service.promise import AT_RISK_SHARE, PAUSED_SORTS_AT, calendars_of, share_used
from kundennah.service.routing import assignee_for
from kundennah.service.services import concern_assign

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
Sla = Concern.Sla
AWAY = (AgentPresence.Status.AWAY, AgentPresence.Status.OFF)
# The states a concern can still leave towards "worse"; breached concerns wait for a new due time.
_WATCHED = (Sla.ON_TRACK, Sla.AT_RISK)


@dataclass
class Change:
    concern_id: int
    reference: str
    subject: str
    team_id: int | None
    state: str
    due_at: dt.datetime
    reassigned_to: str = ""
    nobody_available: bool = False


@dataclass
class SweepReport:
    checked: int = 0
    at_risk: int = 0
    breached: int = 0
    reassigned: int = 0
    unassignable: int = 0
    mails: int = 0
    changes: list[Change] = field(default_factory=list)


def sla_state_for(concern: Concern, *, now: dt.datetime, calendar: BusinessCalendar) -> str:
    """The state the promise on ``concern`` is in at ``now`` (never better than it already is)."""
    if concern.due_at is None:
        return concern.sla_state
    if now >= concern.due_at:
        return Sla.BREACHED
    if concern.sla_state == Sla.AT_RISK:
        return Sla.AT_RISK
    used = share_used(concern, now=now, calendar=calendar)
    return Sla.AT_RISK if used is not None and used >= AT_RISK_SHARE else concern.sla_state


def sla_sweep(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE, notify: bool = True) -> SweepReport:
    """One pass: reassign the work of absent agents, then judge every watched promise. Idempotent.

    ``notify=False`` records the changes without mailing the leads (loading demo data).
    """
    now = now or timezone.now()
    report = SweepReport()
    unassignable = away_reassign(report=report)
    calendars: dict[int | None, BusinessCalendar] = {}
    # Open concerns with a running clock are exactly those with an inbox sort key short of the
    # paused mark: walking the inbox's partial index visits the open ones only, not every
    # concern ever received.
    watched = Concern.objects.filter(inbox_due_at__lt=PAUSED_SORTS_AT, sla_state__in=_WATCHED)
    after: tuple[dt.datetime, int] | None = None
    while True:
        page = watched if after is None else watched.filter(
            Q(inbox_due_at__gt=after[0]) | Q(inbox_due_at=after[0], id__gt=after[1]))
        batch = list(
            page.only("id", "reference", "subject", "team_id", "received_at", "due_at", "inbox_due_at", "sla_state",
                      "assignee_id")
            .order_by("inbox_due_at", "id")[:batch_size]
        )
        if not batch:
            break
        last = batch[-1]
        assert last.inbox_due_at is not None
        after = (last.inbox_due_at, last.pk)
        missing = {c.team_id for c in batch} - calendars.keys()
        if missing:
            calendars.update(calendars_of(missing))
        for concern in batch:
            report.checked += 1
            state = sla_state_for(concern, now=now, calendar=calendars[concern.team_id])
            if state != concern.sla_state:
                _claim_change(concern, state, now=now, report=report,
                              nobody_available=concern.pk in unassignable)
    report.mails = _notify_leads(report.changes) if notify else 0
    return report


def _claim_change(concern: Concern, state: str, *, now: dt.datetime, report: SweepReport,
                  nobody_available: bool) -> None:
    with transaction.atomic():
        claimed = Concern.objects.filter(
            pk=concern.pk, sla_state=concern.sla_state, due_at=concern.due_at, status__in=Concern.OPEN_STATES,
        ).update(sla_state=state)
        if not claimed:
            # Another sweep was first, or an agent moved the promise since we read it.
            return
        assert concern.due_at is not None
        event_record(
            name=f"concern.{state}", aggregate_type="concern", aggregate_id=concern.pk,
            payload={
                "concern_id": concern.pk, "reference": concern.reference, "sla_state": state,
                "previous_sla_state": concern.sla_state, "due_at": concern.due_at.isoformat(),
                "swept_at": now.isoformat(), "team_id": concern.team_id, "assignee_id": concern.assignee_id,
                # The assignee is away and nobody of the team can take it over: a lead must step in.
                "reassignment": "nobody_available" if nobody_available else None,
            },
        )
    if state == Sla.AT_RISK:
        report.at_risk += 1
    else:
        report.breached += 1
    report.changes.append(Change(
        concern_id=concern.pk, reference=concern.reference, subject=concern.subject, team_id=concern.team_id,
        state=state, due_at=concern.due_at, nobody_available=nobody_available,
    ))


def away_reassign(*, report: SweepReport | None = None, assignee_ids: list[int] | None = None) -> set[int]:
    """Give the open concerns of away/off agents to available colleagues, soonest due first.

    Returns the ids of the concerns nobody could take (they keep their assignee).
    """
    report = report or SweepReport()
    concerns = Concern.objects.filter(
        status__in=Concern.OPEN_STATES, assignee__presence__status__in=AWAY,
    ).select_related("team", "assignee")
    if assignee_ids is not None:
        concerns = concerns.filter(assignee_id__in=assignee_ids)
    unassignable: set[int] = set()
    # Few rows in practice (one person's open work); the choice of colleague must be made row by
    # row because every assignment changes who has the least open work.
    for concern in concerns.order_by("due_at", "id"):
        colleague = assignee_for(concern.team, exclude=concern.assignee, turn=concern.pk)
        if colleague is None:
            unassignable.add(concern.pk)
            report.unassignable += 1
            continue
        try:
            concern_assign(concern=concern, actor=None, assignee=colleague, expected_version=concern.version)
        except (ConflictError, DomainValidationError):
            # Someone changed it meanwhile (a lead assigned it by hand, another sweep): leave it.
            continue
        report.reassigned += 1
    return unassignable


# --- Notifying the team leads ---------------------------------------------------------------


def _notify_leads(changes: list[Change]) -> int:
    """One mail per team lead listing what changed in their teams; returns the number of mails."""
    if not changes:
        return 0
    team_ids = {c.team_id for c in changes if c.team_id is not None}
    leads: dict[int, tuple[User, set[int]]] = {}
    memberships = User.teams.through.objects.filter(
        team_id__in=team_ids, user__role=User.Role.TEAM_LEAD, user__is_active=True,
    ).select_related("user")
    for row in memberships:
        leads.setdefault(row.user_id, (row.user, set()))[1].add(row.team_id)
    calendars = calendars_of(team_ids)
    messages = []
    for lead, teams in leads.values():
        mine = [c for c in changes if c.team_id in teams]
        if mine and lead.email:
            messages.append(_lead_message(lead, mine, calendars))
    if not messages:
        return 0
    with mail.get_connection() as connection:
        return connection.send_messages(messages) or 0


def _lead_message(lead: User, changes: list[Change], calendars: dict[int | None, BusinessCalendar]
                  ) -> mail.EmailMessage:
    language = "en" if (lead.language or "")[:2] == "en" else "de"
    base = getattr(settings, "BASE_URL", "").rstrip("/")
    by_state: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_state[change.state].append(change)
    with translation.override(language):
        parts = []
        if by_state[Sla.BREACHED]:
            parts.append(ngettext("%(count)d concern overdue", "%(count)d concerns overdue",
                                  len(by_state[Sla.BREACHED])) % {"count": len(by_state[Sla.BREACHED])})
        if by_state[Sla.AT_RISK]:
            parts.append(ngettext("%(count)d concern at risk", "%(count)d concerns at risk",
                                  len(by_state[Sla.AT_RISK])) % {"count": len(by_state[Sla.AT_RISK])})
        subject = "Kundennah: " + ", ".join(parts)
        lines = [gettext("Hello %(name)s,") % {"name": lead.first_name or lead.username}, "",
                 gettext("these concerns of your team need attention:"), ""]
        for state, label in ((Sla.BREACHED, gettext("Overdue")), (Sla.AT_RISK, gettext("At risk"))):
            for change in by_state[state]:
                due = due_format(change.due_at, calendars.get(change.team_id) or calendars[None], language)
                url = base + reverse("service:concern", args=[change.concern_id])
                lines.append(f"- {label}: {change.reference} · {header_text(change.subject)}")
                lines.append("  " + gettext("due %(due)s") % {"due": due} + f" · {url}")
                if change.nobody_available:
                    lines.append("  " + gettext("The agent is away and nobody of the team is available to take it."))
        lines += ["", gettext("This mail is sent once per change; the inbox shows the current state.")]
    return mail.EmailMessage(
        subject=header_text(subject)[:250], body="\n".join(lines) + "\n", from_email=settings.DEFAULT_FROM_EMAIL,
        to=[lead.email], headers={"Auto-Submitted": "auto-generated"},
    )


# --- Presence -------------------------------------------------------------------------------


def presence_of(user: Any) -> str:
    presence = AgentPresence.objects.filter(user_id=user.pk).values_list("status", flat=True).first()
    return presence or AgentPresence.Status.AVAILABLE


def presence_set(*, user: Any, status: str) -> AgentPresence:
    """Set an agent's presence. Going away hands their open work to colleagues after commit."""
    if status not in AgentPresence.Status.values:
        raise DomainValidationError.single("status", "invalid_choice", gettext("This status is unknown."))
    with transaction.atomic():
        presence, _created = AgentPresence.objects.select_for_update().get_or_create(user=user)
        previous = presence.status
        if previous == status and not _created:
            return presence
        presence.status = status
        presence.save(update_fields=["status", "changed_at"])
        event_record(name="agent.presence_changed", aggregate_type="user", aggregate_id=user.pk, actor=user,
                     payload={"user_id": user.pk, "status": status, "previous": previous})
        if status in AWAY:
            from kundennah.service.tasks import away_reassign_task

            user_id = user.pk
            transaction.on_commit(lambda: away_reassign_task(user_id))
    return presence
