"""Counters: gap-free ones drawn inside the caller's transaction, and ones that may skip."""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
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


# --- Counters that may skip numbers but never queue ------------------------------------------
#
# A gap-free counter is a row every caller locks until its transaction commits: concurrent
# callers take turns, commit after commit. Numbers that only have to be unique and rising
# (concern references; never invoice numbers) use a native PostgreSQL sequence instead:
# ``nextval`` does not wait for other transactions, and a rolled-back caller burns its number.
# SQLite admits one writer at a time anyway and keeps the table.

_known_sequences: set[str] = set()


def _native_name(name: str) -> str:
    return "kn_counter_" + "".join(c if c.isalnum() else "_" for c in name.lower())


def _native_ensure(name: str) -> str:
    """The native sequence for ``name``, created on first use on a connection of its own.

    Created outside the caller's transaction, so a rollback there cannot take it away, and
    started after whatever the gap-free table handed out for the same name before.
    """
    native = _native_name(name)
    if native in _known_sequences:
        return native
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            quoted = own.ops.quote_name(native)
            # Two first callers at once: the second waits here and finds the sequence made.
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [native])
            try:
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {quoted}")
                cursor.execute(f"SELECT last_value, is_called FROM {quoted}")  # noqa: S608
                _last_value, is_called = cursor.fetchone()
                if not is_called:
                    table = own.ops.quote_name(Sequence._meta.db_table)
                    cursor.execute(f"SELECT last_value FROM {table} WHERE name = %s", [name])  # noqa: S608
                    row = cursor.fetchone()
                    handed_out = row[0] if row else 0
                    if handed_out:
                        cursor.execute("SELECT setval(%s, %s)", [native, handed_out])
            finally:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [native])
    finally:
        own.close()
    _known_sequences.add(native)
    return native


def counter_next(*, name: str) -> int:
    """Next value of the counter ``name``: unique and rising, possibly with gaps."""
    if connection.vendor != "postgresql":
        return sequence_next(name=name)
    native = _native_ensure(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [native])
        return int(cursor.fetchone()[0])


def counter_take(*, name: str, count: int) -> list[int]:
    """``count`` values of the counter ``name`` at once (seeding), rising."""
    if count <= 0:
        return []
    if connection.vendor != "postgresql":
        first = sequence_reserve(name=name, count=count)
        return list(range(first, first + count))
    native = _native_ensure(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [native, count])
        return sorted(int(row[0]) for row in cursor.fetchall())
