"""The scratch store between checking and writing: an SQLite file of its own, on disk.

Checking writes every valid row's cleaned data and every error here; writing reads the rows
back grouped by customer. On disk rather than in memory, so that an import of a million rows
needs as much memory as one of a hundred. The file lives only as long as one run of the job.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

_SCHEMA = """
CREATE TABLE rows (grp INTEGER NOT NULL, row INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE numbers (
    number TEXT PRIMARY KEY, grp INTEGER NOT NULL, kind TEXT NOT NULL, identity TEXT NOT NULL,
    display TEXT NOT NULL
);
CREATE TABLE sites (
    number TEXT NOT NULL, code TEXT NOT NULL, site_key TEXT NOT NULL, row INTEGER NOT NULL,
    PRIMARY KEY (number, code)
);
CREATE TABLE errors (
    row INTEGER NOT NULL, col TEXT NOT NULL, value TEXT NOT NULL, code TEXT NOT NULL,
    message TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class NumberEntry:
    group: int
    kind: str
    identity: str
    display: str


@dataclass(frozen=True)
class SiteEntry:
    site_key: str
    row: int


class Staging:
    """One import run's scratch database. Use as a context manager; the file is removed after."""

    def __init__(self, directory: str | None = None) -> None:
        handle, name = tempfile.mkstemp(
            prefix="kundennah-import-", suffix=".sqlite3", dir=directory
        )
        os.close(handle)
        self.path = Path(name)
        self.db = sqlite3.connect(name, isolation_level=None)
        # A scratch file: no journal, no fsync; a crash throws it away anyway.
        self.db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE;"
        )
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.db.close()
        finally:
            self.path.unlink(missing_ok=True)

    # --- written while checking -----------------------------------------------------------

    def number_get(self, number: str) -> NumberEntry | None:
        found = self.db.execute(
            "SELECT grp, kind, identity, display FROM numbers WHERE number = ?", (number,)
        ).fetchone()
        return NumberEntry(*found) if found else None

    def number_add(self, number: str, entry: NumberEntry) -> None:
        self.db.execute(
            "INSERT INTO numbers VALUES (?, ?, ?, ?, ?)",
            (number, entry.group, entry.kind, entry.identity, entry.display),
        )

    def site_get(self, number: str, code: str) -> SiteEntry | None:
        found = self.db.execute(
            "SELECT site_key, row FROM sites WHERE number = ? AND code = ?", (number, code)
        ).fetchone()
        return SiteEntry(*found) if found else None

    def site_add(self, number: str, code: str, entry: SiteEntry) -> None:
        self.db.execute(
            "INSERT INTO sites VALUES (?, ?, ?, ?)", (number, code, entry.site_key, entry.row)
        )

    def rows_add(self, rows: Iterable[tuple[int, int, str]]) -> None:
        """Valid rows as (group, row number, cleaned data as JSON text)."""
        self.db.executemany("INSERT INTO rows VALUES (?, ?, ?)", rows)

    def errors_add(self, errors: Iterable[tuple[int, str, str, str, str]]) -> None:
        self.db.executemany("INSERT INTO errors VALUES (?, ?, ?, ?, ?)", errors)

    def finish_checking(self) -> None:
        self.db.execute("COMMIT")
        self.db.execute("CREATE INDEX rows_order ON rows (grp, row)")
        self.db.execute("CREATE INDEX errors_order ON errors (row)")

    # --- read while writing ---------------------------------------------------------------

    def explicit_numbers(self) -> Iterator[str]:
        for (number,) in self.db.execute("SELECT number FROM numbers"):
            yield number

    def explicit_number_count(self) -> int:
        (count,) = self.db.execute("SELECT COUNT(*) FROM numbers").fetchone()
        return int(count)

    def group_count(self) -> int:
        (count,) = self.db.execute("SELECT COUNT(DISTINCT grp) FROM rows").fetchone()
        return int(count)

    def groups(self) -> Iterator[list[dict[str, Any]]]:
        """The valid rows, one list per customer, in the order the customers first appear."""
        current: int | None = None
        records: list[dict[str, Any]] = []
        for group, data in self.db.execute("SELECT grp, data FROM rows ORDER BY grp, row"):
            if group != current and records:
                yield records
                records = []
            current = group
            records.append(json.loads(data))
        if records:
            yield records

    def errors(self) -> Iterator[tuple[int, str, str, str, str]]:
        yield from self.db.execute(
            "SELECT row, col, value, code, message FROM errors ORDER BY row, rowid"
        )
