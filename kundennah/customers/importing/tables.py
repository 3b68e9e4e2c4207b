"""Bulk inserts of plain rows, with primary keys reserved up front, on SQLite and PostgreSQL.

The import writes about fifteen rows per customer (the record, its contact points, sites and
accounts, their history rows, search keys, an event). Django's ``bulk_create`` spends most of
its time compiling SQL per object; here a table's columns are read once from the model and
rows go in as tuples: ``executemany`` on SQLite, ``COPY`` on PostgreSQL (psycopg 3). Only call
inside a transaction: on SQLite the reserved ids are safe because the transaction holds the
database's write lock from its start (``transaction_mode=IMMEDIATE``).
"""

from __future__ import annotations

import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED, Model


class Shape:
    """The columns of one table, and a fast way to turn a dict of values into a row tuple.

    Values must be ready for the database: ``TableWriter.timestamp`` for datetimes, ISO text for
    dates, ``json_text`` for JSON. Missing values take the field's default.
    """

    def __init__(self, model: type[Model], *, skip: Sequence[str] = ()) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if f.attname not in skip]
        self.columns = [f.column for f in fields]
        self.defaults = {
            f.attname: None if f.default is NOT_PROVIDED else f.get_default() for f in fields
        }
        self._get = itemgetter(*[f.attname for f in fields])

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        try:
            return self._get(values)
        except KeyError:
            return self._get({**self.defaults, **values})


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class _Sender:
    """Runs the writes of a PostgreSQL import in a thread of its own, in order.

    The server checks constraints and updates indexes in its own process; meanwhile this
    process prepares the next rows instead of waiting. (Not for SQLite: it works inside this
    process, and two threads would only take turns.)
    """

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[Callable[..., None], tuple[Any, ...]] | None] = queue.Queue(
            maxsize=8
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                function, args = item
                try:
                    function(*args)
                except BaseException as exc:  # handed to the caller at the next call or close()
                    self.error = exc

    def submit(self, function: Callable[..., None], *args: Any) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((function, args))

    def close(self) -> None:
        """Wait until everything is written; raise what went wrong."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class TableWriter:
    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise NotImplementedError(f"The import does not support {self.vendor}.")
        self.cursor = connection.connection.cursor()
        self._next_id: dict[str, int] = {}
        self._shapes: dict[tuple[type[Model], tuple[str, ...]], Shape] = {}
        self._sender = _Sender() if self.vendor == "postgresql" else None
        # The writing thread has a cursor of its own; the connection runs one statement at a time.
        self._write_cursor = connection.connection.cursor() if self._sender else self.cursor

    def close(self) -> None:
        """Wait for writes still running (PostgreSQL); raise their error if one failed."""
        if self._sender is not None:
            sender, self._sender = self._sender, None
            sender.close()

    def _run(self, function: Callable[..., None], *args: Any) -> None:
        if self._sender is not None:
            self._sender.submit(function, *args)
        else:
            function(*args)

    def shape(self, model: type[Model], *, skip: Sequence[str] = ()) -> Shape:
        key = (model, tuple(skip))
        if key not in self._shapes:
            self._shapes[key] = Shape(model, skip=skip)
        return self._shapes[key]

    def timestamp(self, value: dt.datetime) -> str:
        """An aware datetime as the column stores it (SQLite: naive UTC text, as Django has it)."""
        utc = value.astimezone(dt.UTC)
        if self.vendor == "sqlite":
            return utc.replace(tzinfo=None).isoformat(sep=" ")
        return utc.isoformat(sep=" ")

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        if count <= 0:
            return []
        table = model._meta.db_table
        if self.vendor == "postgresql":
            self.cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                (table, count),
            )
            return [row[0] for row in self.cursor.fetchall()]
        if table not in self._next_id:
            # AUTOINCREMENT tables never reuse an id: start after the highest ever handed out.
            seq = self.cursor.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
            ).fetchone()
            highest = self.cursor.execute(f'SELECT MAX(id) FROM "{table}"').fetchone()  # noqa: S608
            self._next_id[table] = max(seq[0] if seq else 0, highest[0] or 0) + 1
        start = self._next_id[table]
        self._next_id[table] = start + count
        return list(range(start, start + count))

    def copy_to_history(self, model: type[Model], ids: list[int], values: dict[str, Any]) -> None:
        self._run(self._copy_to_history, model, ids, dict(values))

    def _copy_to_history(self, model: type[Model], ids: list[int], values: dict[str, Any]) -> None:
        """Audit rows ("created") for the just inserted rows ``ids`` of ``model``, copied by the
        database itself: the tracked columns from the table, ``values`` for the history columns."""
        if not ids:
            return
        history = model.history.model  # type: ignore[attr-defined]
        extra = list(values)
        tracked = [
            f.column
            for f in history._meta.concrete_fields
            if f.attname != "history_id" and f.attname not in values
        ]
        columns = ", ".join(
            f'"{c}"' for c in [*tracked, *(history._meta.get_field(n).column for n in extra)]
        )
        selected = ", ".join(f'"{c}"' for c in tracked)
        table, source = history._meta.db_table, model._meta.db_table
        mark = "%s" if self.vendor == "postgresql" else "?"
        marks = ", ".join([mark] * len(extra))
        copy = f'INSERT INTO "{table}" ({columns}) SELECT {selected}, {marks} FROM "{source}"'  # noqa: S608
        if self.vendor == "postgresql":
            # Ids from a sequence need not be contiguous: name them.
            self._write_cursor.execute(f"{copy} WHERE id = ANY(%s)", [*values.values(), ids])
        else:
            # Ids reserved under the write lock are contiguous.
            self._write_cursor.execute(
                f"{copy} WHERE id BETWEEN ? AND ?", [*values.values(), ids[0], ids[-1]]
            )

    def insert(self, shape: Shape, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self._run(self._insert, shape, rows)

    def _insert(self, shape: Shape, rows: list[tuple[Any, ...]]) -> None:
        columns = ", ".join(f'"{c}"' for c in shape.columns)
        if self.vendor == "postgresql":
            with self._write_cursor.copy(f'COPY "{shape.table}" ({columns}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" * len(shape.columns))
        insert = f'INSERT INTO "{shape.table}" ({columns}) VALUES ({marks})'  # noqa: S608
        self._write_cursor.executemany(insert, rows)
