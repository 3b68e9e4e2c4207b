"""Phase 1 of an import: every row checked, streaming, before anything is written.

Rows are checked in chunks, in helper processes when the file is large (``workers``). The
checks that need to see more than one row happen here, in file order: a customer number that
already exists in the database, one number used for two different customers within the file,
one site code used twice for different sites. Valid rows and errors go to the staging file.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from kundennah.customers.importing import workers
from kundennah.customers.importing.readers import Row
from kundennah.customers.importing.rows import CheckedRow, RowError, RowPlan
from kundennah.customers.importing.staging import NumberEntry, SiteEntry, Staging
from kundennah.customers.models import Customer

CHUNK_ROWS = 1000
# Starting helper processes costs about a second; below this many rows one process is faster.
PARALLEL_MIN_ROWS = 20_000


@dataclass
class CheckCounts:
    processed: int = 0
    valid: int = 0
    errors: int = 0


def check_processes(total_rows: int | None) -> int:
    """How many helper processes to check with (0: check in this process)."""
    wanted = int(getattr(settings, "IMPORT_CHECK_PROCESSES", 0) or os.cpu_count() or 1)
    if wanted < 2 or (total_rows or 0) < PARALLEL_MIN_ROWS:
        return 0
    return wanted


def rows_check_all(
    *,
    rows: Iterable[Row],
    plan: RowPlan,
    staging: Staging,
    language: str,
    processes: int = 0,
    on_progress: Callable[[CheckCounts], None] | None = None,
) -> CheckCounts:
    counts = CheckCounts()
    for chunk in _checked_chunks(rows, plan, language, processes):
        _register(chunk, plan=plan, staging=staging, counts=counts)
        if on_progress is not None:
            on_progress(counts)
    staging.finish_checking()
    return counts


def _chunks(rows: Iterable[Row]) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK_ROWS)):
        yield chunk


def _checked_chunks(
    rows: Iterable[Row], plan: RowPlan, language: str, processes: int
) -> Iterator[list[CheckedRow]]:
    if processes < 2:
        for chunk in _chunks(rows):
            yield workers.check_chunk(chunk, plan, language)
        return
    pool = ProcessPoolExecutor(
        max_workers=processes,
        # Not fork: the worker thread's process has other threads, whose locks a fork would copy.
        mp_context=multiprocessing.get_context("spawn"),
        initializer=workers.init,
        initargs=(os.environ.get("DJANGO_SETTINGS_MODULE", "kundennah.settings"),),
    )
    try:
        pending: deque[Future[list[Any]]] = deque()
        for chunk in _chunks(rows):
            pending.append(pool.submit(workers.check_chunk, chunk, plan, language))
            # A few chunks in flight keep every process busy without reading ahead the whole file.
            if len(pending) >= processes * 3:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _register(
    chunk: list[CheckedRow], *, plan: RowPlan, staging: Staging, counts: CheckCounts
) -> None:
    """The checks across rows, in file order, and the chunk's rows and errors to the staging."""
    numbers = [c.number for c in chunk if c.number]
    taken = set(Customer.objects.filter(number__in=numbers).values_list("number", flat=True))
    valid: list[tuple[int, int, str]] = []
    errors: list[tuple[int, str, str, str, str]] = []
    for checked in chunk:
        number, group = checked.number, checked.row
        row_errors = list(checked.errors)
        entry = staging.number_get(number) if number and checked.identity else None
        site = staging.site_get(number, checked.site_code) if number and checked.site_code else None
        if number in taken:
            row_errors.append(
                _number_error(checked, plan, "duplicate_number", _taken_message(number))
            )
        elif entry is not None and (entry.kind, entry.identity) != (checked.kind, checked.identity):
            message = _conflict_message(number, entry.display)
            row_errors.append(_number_error(checked, plan, "number_conflict", message))
        elif entry is not None:
            group = entry.group  # another row of a customer seen before
        if site is not None and site.site_key != checked.site_key:
            row_errors.append(_site_code_error(checked, plan, site))
        counts.processed += 1
        if row_errors or checked.record is None:
            counts.errors += 1
            errors.extend((e.row, e.column, e.value, e.code, e.message) for e in row_errors)
            continue
        if number and entry is None:
            staging.number_add(
                number, NumberEntry(group, checked.kind, checked.identity, checked.display_name)
            )
        if number and checked.site_code and site is None:
            staging.site_add(number, checked.site_code, SiteEntry(checked.site_key, checked.row))
        counts.valid += 1
        valid.append((group, checked.row, checked.record))
    staging.rows_add(valid)
    staging.errors_add(errors)


def _taken_message(number: str) -> str:
    return _(
        "Customer number %(number)s already exists. The import creates new customers only; "
        "it does not change existing ones."
    ) % {"number": number}


def _conflict_message(number: str, name: str) -> str:
    return _(
        "Customer number %(number)s belongs to “%(name)s” in an earlier row. Rows with the same "
        "number must describe the same customer."
    ) % {"number": number, "name": name}


def _number_error(checked: CheckedRow, plan: RowPlan, code: str, message: str) -> RowError:
    return RowError(checked.row, plan.column("number"), checked.number, code, message)


def _site_code_error(checked: CheckedRow, plan: RowPlan, earlier: SiteEntry) -> RowError:
    message = _(
        "Site code %(code)s appears in row %(row)d of this customer with other details."
    ) % {"code": checked.site_code, "row": earlier.row}
    column = plan.column("site_code")
    return RowError(checked.row, column, checked.site_code, "duplicate_site_code", message)
