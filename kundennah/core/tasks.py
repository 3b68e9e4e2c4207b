"""Background jobs of the platform core (huey). Thin: they call the core services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kundennah.core.maintenance import database_statistics_refresh
from kundennah.core.webhooks import webhooks_dispatch, webhooks_send_due


@db_task()
def webhooks_run_task() -> None:
    """Turn new events into deliveries and send what is due. Safe to run twice at once:
    deliveries are unique per event and subscription, and each send is claimed first."""
    webhooks_dispatch()
    webhooks_send_due()


@db_periodic_task(crontab(minute="*"))
def webhooks_periodic_task() -> None:
    """Every minute: new events out, retries whose backoff has passed."""
    webhooks_run_task.call_local()


@db_periodic_task(crontab(hour="3", minute="30"))
def database_statistics_task() -> None:
    """Nightly: fresh planner statistics, so list pages keep reading their indexes in order."""
    database_statistics_refresh()
