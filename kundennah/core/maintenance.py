"""Keeping the database's query planner informed.

SQLite has no autovacuum daemon: without statistics (``sqlite_stat1``) its planner guesses
that every index is selective and, on a million concerns, walks the index of an OR term and
sorts instead of reading the inbox index in order (a second instead of 15 ms). A daily job
and every bulk load refresh the statistics; PostgreSQL's autovacuum does the same on its own,
so there it only runs after bulk loads.
"""

from __future__ import annotations

from django.db import connection


def database_statistics_refresh() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # Full, not sampled (analysis_limit): with sampled figures SQLite misjudged the
            # team join on a million concerns and sorted a whole team's open work again.
            # About a second per million concerns; it runs at night.
            cursor.execute("PRAGMA analysis_limit=0")
        cursor.execute("ANALYZE")
