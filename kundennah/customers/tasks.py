"""Background jobs of the customer record (huey). Thin: take ids, call a service."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kundennah.customers.importing.jobs import (
    import_job_run,
    import_jobs_expire,
    import_jobs_to_resume,
)


@db_task()
def import_job_run_task(job_id: int) -> None:
    """Check and import an uploaded file. Safe to run twice: the job is claimed by its status."""
    import_job_run(job_id=job_id)


@db_periodic_task(crontab(hour="3", minute="17"))
def import_jobs_expire_task() -> None:
    """Nightly: delete abandoned uploads and old error reports."""
    import_jobs_expire()


@db_periodic_task(crontab(minute="*/15"))
def import_jobs_resume_task() -> None:
    """Every quarter of an hour: run again what a crash or a lost task left unfinished."""
    for job_id in import_jobs_to_resume():
        import_job_run_task(job_id)
