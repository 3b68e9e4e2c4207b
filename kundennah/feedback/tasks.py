"""Background jobs of feedback (huey). Thin: they call the services."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kundennah.feedback.mails import survey_send
from kundennah.feedback.services import surveys_due, surveys_offer_from_events

log = logging.getLogger(__name__)


@db_task()
def surveys_run_task() -> int:
    """Offer surveys for contacts that ended and send the ones whose wait is over."""
    surveys_offer_from_events()
    sent = 0
    for survey_id in surveys_due():
        try:
            sent += survey_send(survey_id=survey_id)
        except Exception:  # one refused mail must not hold up the others; it is offered again
            log.exception("survey %s could not be sent", survey_id)
    return sent


@db_periodic_task(crontab(minute="*/5"))
def surveys_periodic_task() -> None:
    surveys_run_task.call_local()


@db_task()
def insights_recompute_task(actor_id: int | None = None) -> None:
    from kundennah.accounts.models import User
    from kundennah.feedback.insights import insights_recompute

    insights_recompute(actor=User.objects.filter(pk=actor_id).first() if actor_id else None)


@db_periodic_task(crontab(hour="2", minute="15"))
def insights_nightly_task() -> None:
    """Nightly: tone, topics and drivers from all answers, so the page shows yesterday's news."""
    insights_recompute_task.call_local()
