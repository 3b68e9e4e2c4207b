"""Planner statistics are refreshed, so list pages keep reading their indexes in order."""

import pytest
from django.db import connection

from kundennah.core.maintenance import database_statistics_refresh
from kundennah.service.tests.factories import concern as make_concern


@pytest.mark.django_db
def test_statistics_refresh_gives_the_planner_figures_about_concerns(team):
    make_concern()
    database_statistics_refresh()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'service_concern'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'service_concern'")
        assert cursor.fetchone()[0] > 0
