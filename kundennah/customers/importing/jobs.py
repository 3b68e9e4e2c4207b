"""Import jobs: upload, column mapping, the run in the background, progress, and who sees them.

The run has two phases. Checking reads the file once, checks every row and keeps valid rows
and errors in a staging file (progress goes to the job row, which the page polls). Writing then
inserts all valid rows in ONE transaction: an error or a crash rolls everything back, so an
import is either complete or absent. While that transaction runs the page cannot see its rows,
so its progress goes through the cache (file-based by default, shared by web and worker).

A job is claimed with a conditional UPDATE on its status; a retried or duplicated task finds
nothing to claim and does nothing. Job and data are committed together, so a finished job can
never be imported twice.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kundennah.accounts.rules import is_admin
from kundennah.core.errors import DomainValidationError
from kundennah.core.events import event_record
from kundennah.customers.importing.checking import CheckCounts, check_processes, rows_check_all
from kundennah.customers.importing.mapping import mapping_clean, mapping_suggest
from kundennah.customers.importing.readers import TableFormat, file_error, table_inspect, table_rows
from kundennah.customers.importing.report import error_report_write
from kundennah.customers.importing.rows import RowPlan
from kundennah.customers.importing.staging import Staging
from kundennah.customers.importing.writing import AutoNumbers, CustomerWriter
from kundennah.customers.models import ImportJob

logger = logging.getLogger(__name__)

Status = ImportJob.Status
# A job running this long has lost its worker (the process died): it may be claimed again.
STALE_AFTER = dt.timedelta(hours=2)
ERROR_SAMPLE_SIZE = 20
_PROGRESS_SECONDS = 0.5
# Imports of one worker process write one after the other: on SQLite a second writer would
# wait for the first one's transaction only as long as the busy timeout, and then fail.
_ONE_WRITER = threading.Lock()


# --- Upload and mapping --------------------------------------------------------------------


def upload_too_large_error() -> DomainValidationError:
    limit_mb = settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024)
    return file_error(
        "file_too_large",
        _("The file is larger than %(limit)s MB. Please split it into several files.")
        % {"limit": f"{limit_mb:g}"},
    )


def import_job_create(*, actor: Any, upload: UploadedFile, mode: str) -> ImportJob:
    """Check the uploaded file and keep it for the mapping step. An unreadable file is refused
    with an error at ``file`` and nothing is stored."""
    if upload.size is None or upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
        raise upload_too_large_error()
    if mode not in ImportJob.Mode.values:
        raise DomainValidationError.single(
            "mode", "invalid_choice", _("Please choose how to handle invalid rows.")
        )
    name = upload.name or "upload"
    info = table_inspect(upload.file, name=name)  # type: ignore[arg-type]
    job = ImportJob(
        created_by=actor,
        original_name=name[:255],
        size=upload.size,
        kind=info.format.kind,
        encoding=info.format.encoding,
        delimiter=info.format.delimiter,
        sep_line=info.format.sep_line,
        headers=info.headers,
        mapping=mapping_suggest(info.headers),
        mode=mode,
        total_rows=info.total_rows,
    )
    upload.seek(0)
    job.file.save(name, upload, save=False)
    job.save()
    return job


def import_job_preview(job: ImportJob, *, rows: int = 3) -> list[list[str]]:
    """The first data rows, to show beside the columns on the mapping page."""
    if not job.file:
        return []
    with job.file.open("rb") as source:
        return [cells for _number, cells in islice(table_rows(source.file, _format(job)), rows)]


def import_job_start(*, actor: Any, job: ImportJob, mapping: dict[str, Any]) -> ImportJob:
    """Save the mapping and queue the run (the task starts once this transaction commits)."""
    cleaned = mapping_clean(mapping, job.headers)
    with transaction.atomic():
        started = ImportJob.objects.filter(pk=job.pk, status=Status.UPLOADED).update(
            mapping=cleaned, status=Status.QUEUED
        )
        if not started:
            raise DomainValidationError.single(
                "", "already_started", _("This import has already been started.")
            )
        transaction.on_commit(lambda: _enqueue(job.pk))
    job.refresh_from_db()
    return job


def _enqueue(job_id: int) -> None:
    from kundennah.customers.tasks import import_job_run_task

    import_job_run_task(job_id)


# --- Reads -----------------------------------------------------------------------------------


def import_job_get_for_user(*, user: Any, job_id: int | str) -> ImportJob:
    """The job if ``user`` created it or is an administrator; 404 otherwise."""
    jobs = ImportJob.objects.select_related("created_by")
    if not is_admin(user):
        jobs = jobs.filter(created_by_id=getattr(user, "pk", None))
    try:
        return jobs.get(pk=int(job_id))
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def import_jobs_recent(*, user: Any, limit: int = 10) -> list[ImportJob]:
    return list(
        ImportJob.objects.filter(created_by_id=getattr(user, "pk", None)).order_by("-created_at")[
            :limit
        ]
    )


@dataclass(frozen=True)
class ImportProgress:
    status: str
    processed: int
    total: int | None
    valid: int
    errors: int

    @property
    def percent(self) -> int | None:
        if self.status in (Status.DONE, Status.REJECTED):
            return 100
        if not self.total:
            return None
        return min(100, round(100 * self.processed / self.total))


def _progress_key(job_id: int) -> str:
    return f"customers:import:{job_id}:progress"


def import_job_progress(job: ImportJob) -> ImportProgress:
    """Where a job stands. While it runs, the worker reports through the cache: during checking
    the job row is left alone (on SQLite another import may hold the write lock), and while
    writing, the job row's changes are invisible until the transaction commits."""
    reported = cache.get(_progress_key(job.pk)) if job.is_running else None
    if reported and reported.get("status") == job.status:
        return ImportProgress(
            status=job.status,
            processed=int(reported["processed"]),
            total=reported.get("total"),
            valid=int(reported.get("valid", job.valid_rows)),
            errors=int(reported.get("errors", job.error_rows)),
        )
    return ImportProgress(
        status=job.status,
        processed=job.processed_rows,
        total=job.total_rows,
        valid=job.valid_rows,
        errors=job.error_rows,
    )


# --- The run ---------------------------------------------------------------------------------


def import_job_run(*, job_id: int) -> None:
    """Check and import the job's file. Idempotent: does nothing unless the job is waiting to run
    (or its earlier run died long ago)."""
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(
            Q(status=Status.QUEUED)
            | Q(status__in=[Status.VALIDATING, Status.IMPORTING], started_at__lt=now - STALE_AFTER)
        )
        .update(
            status=Status.VALIDATING, started_at=now, processed_rows=0, valid_rows=0, error_rows=0
        )
    )
    if not claimed:
        return
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    language = getattr(job.created_by, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            _run(job, language)
        except DomainValidationError as exc:
            _finish_failed(job, "; ".join(str(e.message) for e in exc.errors))
        except Exception:
            logger.exception("Import %s failed", job_id)
            _finish_failed(
                job, _("The import stopped because of an unexpected error. Nothing was imported.")
            )
        finally:
            cache.delete(_progress_key(job_id))


def _format(job: ImportJob) -> TableFormat:
    return TableFormat(
        kind=job.kind, encoding=job.encoding, delimiter=job.delimiter, sep_line=job.sep_line
    )


def _plan(job: ImportJob) -> RowPlan:
    mapping = {str(key): int(index) for key, index in (job.mapping or {}).items()}
    return RowPlan(
        mapping=mapping, headers=tuple(job.headers), strict_width=job.kind == ImportJob.Kind.CSV
    )


class _Reporter:
    """Progress for the page, through the cache, at most twice a second."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.last = 0.0
        self.status = ""

    def checked(self, counts: CheckCounts) -> None:
        self._report(
            Status.VALIDATING, counts.processed, self.job.total_rows, counts.valid, counts.errors
        )

    def written(self, done: int, total: int) -> None:
        self._report(Status.IMPORTING, done, total, self.job.valid_rows, self.job.error_rows)

    def _report(self, status: str, done: int, total: int | None, valid: int, errors: int) -> None:
        if status == self.status and time.monotonic() - self.last < _PROGRESS_SECONDS:
            return
        self.last, self.status = time.monotonic(), status
        progress = {"status": status, "processed": done, "total": total, "valid": valid}
        cache.set(_progress_key(self.job.pk), {**progress, "errors": errors}, timeout=24 * 3600)


def _run(job: ImportJob, language: str) -> None:
    reporter = _Reporter(job)
    started = time.monotonic()
    with job.file.open("rb") as source, Staging() as staging:
        counts = rows_check_all(
            rows=table_rows(source.file, _format(job)),
            plan=_plan(job),
            staging=staging,
            language=language,
            processes=check_processes(job.total_rows),
            on_progress=reporter.checked,
        )
        logger.info(
            "Import %s: %d rows checked in %.1f s",
            job.pk,
            counts.processed,
            time.monotonic() - started,
        )
        job.total_rows, job.processed_rows = counts.processed, counts.processed
        job.valid_rows, job.error_rows = counts.valid, counts.errors
        _save_error_report(job, staging)
        if counts.errors and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
            _finish(job, Status.REJECTED)
            return
        if not counts.valid:
            _finish(job, Status.DONE)  # every row had errors: nothing to write
            return
        job.status = Status.IMPORTING
        job.save(
            update_fields=[
                "status",
                "total_rows",
                "processed_rows",
                "valid_rows",
                "error_rows",
                "error_report",
                "error_sample",
            ]
        )
        started = time.monotonic()
        with _ONE_WRITER, transaction.atomic():
            _write(job, staging, reporter)
            _finish(job, Status.DONE)
        logger.info(
            "Import %s: %d customers written in %.1f s",
            job.pk,
            job.customers_created,
            time.monotonic() - started,
        )


def _write(job: ImportJob, staging: Staging, reporter: _Reporter) -> None:
    groups = staging.group_count()
    numbers = AutoNumbers(
        explicit=staging.explicit_numbers(), count=groups - staging.explicit_number_count()
    )
    writer = CustomerWriter(actor=job.created_by, job_id=job.pk, numbers=numbers)
    done = 0
    try:
        for records in staging.groups():
            writer.add(records)
            done += len(records)
            reporter.written(done, job.valid_rows)
        writer.flush()
    finally:
        writer.close()
    counts = writer.counts
    job.customers_created, job.sites_created = counts.customers, counts.sites
    job.contact_points_created, job.bank_accounts_created = (
        counts.contact_points,
        counts.bank_accounts,
    )
    job.first_customer_id = counts.first_customer_id
    # One summary event beside the per-customer ``customer.created`` events.
    event_record(
        name="customers.imported",
        aggregate_type="import_job",
        aggregate_id=job.pk,
        actor=job.created_by,
        payload={
            "customers": counts.customers,
            "sites": counts.sites,
            "rows": job.valid_rows,
            "skipped_rows": job.error_rows,
            "file": job.original_name,
        },
    )


def _save_error_report(job: ImportJob, staging: Staging) -> None:
    if job.error_report:  # from an earlier run that died
        job.error_report.delete(save=False)
    job.error_sample = [
        {"row": row, "column": column, "value": value, "code": code, "message": message}
        for row, column, value, code, message in islice(staging.errors(), ERROR_SAMPLE_SIZE)
    ]
    if not job.error_sample:
        return
    with tempfile.TemporaryFile() as report:
        error_report_write(report, staging.errors())
        report.seek(0)
        job.error_report.save(f"{uuid.uuid4().hex}.csv", File(report), save=False)


def _finish(job: ImportJob, status: str) -> None:
    job.status = status
    job.finished_at = timezone.now()
    job.save()
    _discard_upload(job)


def _finish_failed(job: ImportJob, message: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED,
        failure_message=message[:2000],
        finished_at=timezone.now(),
        customers_created=0,
        sites_created=0,
        contact_points_created=0,
        bank_accounts_created=0,
        first_customer_id=None,
    )
    job.refresh_from_db()
    _discard_upload(job)


def _discard_upload(job: ImportJob) -> None:
    """The uploaded file holds personal data and is not needed once the job has finished."""
    if not job.file:
        return

    def discard() -> None:
        name = job.file.name or ""
        job.file.storage.delete(name)
        ImportJob.objects.filter(pk=job.pk, file=name).update(file="")

    transaction.on_commit(discard)


# --- Housekeeping ----------------------------------------------------------------------------

UPLOAD_KEPT_FOR = dt.timedelta(days=7)
REPORT_KEPT_FOR = dt.timedelta(days=30)


def import_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete files nobody needs any more (they hold personal data): uploads whose mapping was
    never completed after ``UPLOAD_KEPT_FOR``, error reports after ``REPORT_KEPT_FOR``.
    Returns the number of files deleted."""
    now = now or timezone.now()
    deleted = 0
    abandoned = ImportJob.objects.filter(
        status=Status.UPLOADED, created_at__lt=now - UPLOAD_KEPT_FOR
    ).exclude(file="")
    for job in abandoned:
        job.file.delete(save=False)
        job.status = Status.FAILED
        job.finished_at = now
        job.failure_message = str(
            _("The columns were not chosen within %(days)d days; the file has been deleted.")
            % {"days": UPLOAD_KEPT_FOR.days}
        )
        job.save(update_fields=["file", "status", "finished_at", "failure_message"])
        deleted += 1
    old_reports = ImportJob.objects.filter(finished_at__lt=now - REPORT_KEPT_FOR).exclude(
        error_report=""
    )
    for job in old_reports:
        job.error_report.delete(save=False)
        job.error_sample = []
        job.save(update_fields=["error_report", "error_sample"])
        deleted += 1
    return deleted


QUEUED_LOST_AFTER = dt.timedelta(minutes=15)


def import_jobs_to_resume(*, now: dt.datetime | None = None) -> list[int]:
    """Jobs whose run was lost: queued long ago but never started (the queue lost the task), or
    started so long ago that their worker must have died (its transaction was rolled back).
    Running them again is safe: a run claims its job first, so a duplicate does nothing."""
    now = now or timezone.now()
    lost = ImportJob.objects.filter(
        Q(status=Status.QUEUED, created_at__lt=now - QUEUED_LOST_AFTER)
        | Q(status__in=[Status.VALIDATING, Status.IMPORTING], started_at__lt=now - STALE_AFTER)
    )
    return list(lost.values_list("pk", flat=True))
