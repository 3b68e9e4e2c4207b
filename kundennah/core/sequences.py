"""Gap-free counters drawn inside the caller's transaction."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from kundennah.core.models import Sequence


def _ensure(name: str, initial: int) -> None:
    # INSERT … ON CONFLICT DO NOTHING: two first callers at once must not collide.
    Sequence.objects.bulk_create([Sequence(name=name, last_value=initial)], ignore_conflicts=True)


def sequence_next(*, name: str, start: int = 1) -> int:
    """Next value of the named counter. Must run inside the transaction that uses it."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with transaction.atomic(savepoint=False):
        # One round trip in the common case: UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35)
        # takes the row lock, so concurrent callers queue here and each gets its own value.
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_value = last_value + 1 WHERE name = %s RETURNING last_value",  # noqa: S608
                [name],
            )
            row = cursor.fetchone()
        if row is not None:
            return int(row[0])
        _ensure(name, start - 1)
        Sequence.objects.filter(name=name).update(last_value=F("last_value") + 1)
        return Sequence.objects.values_list("last_value", flat=True).get(name=name)


def sequence_reserve(*, name: str, count: int, start: int = 1) -> int:
    """Reserve ``count`` values at once (bulk imports, seeding); returns the first."""
    with transaction.atomic():
        _ensure(name, start - 1)
        Sequence.objects.filter(name=name).update(last_value=F("last_value") + count)
        last = Sequence.objects.values_list("last_value", flat=True).get(name=name)
        return last - count + 1


def sequence_raise_to(*, name: str, value: int) -> None:
    """Make sure the counter never hands out a number at or below ``value`` (taken by import)."""
    with transaction.atomic():
        _ensure(name, 0)
        Sequence.objects.filter(name=name, last_value__lt=value).update(last_value=value)
