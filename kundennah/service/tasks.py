"""Background jobs of the service desk (huey). Thin: take ids, call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kundennah.service.acknowledgement import acknowledgement_send
from kundennah.service.sla import away_reassign, sla_sweep

# --- Acknowledgements ---------------------------------------------------------------------


@db_task(retries=3, retry_delay=60)
def acknowledgement_send_task(concern_id: int, base_url: str) -> None:
    """Mail the customer the reference and the promise. Safe to run twice: sent once per concern."""
    acknowledgement_send(concern_id=concern_id, base_url=base_url)


# --- Keeping the promise ------------------------------------------------------------------


@db_periodic_task(crontab(minute="*"))
def sla_sweep_task() -> None:
    """Every minute: mark concerns at risk or overdue, tell the leads, hand over absent agents' work."""
    sla_sweep()


@db_task(retries=2, retry_delay=30)
def away_reassign_task(user_id: int) -> None:
    """An agent went away: give their open concerns to available colleagues now, not at the next sweep."""
    away_reassign(assignee_ids=[user_id])
