"""Insights on a year of feedback: the recompute (tone, topics, balance cells) and the page.

What is measured:

1. ``insights_recompute()`` over every answer in the database (seed 100,000 first): reading the
   answers and a year of inbound messages, scoring the tone of every comment, finding the topics,
   writing tone and topic back, building the balance cells. Wall-clock seconds, with the run's own
   split into steps.
2. ``GET /feedback/insights/`` for an administrator (all teams), in-process through
   ``django.test.Client`` (routing, middleware, the driver ranking from the cells, quotes,
   rendering) for the default six months and for twelve months; p50/p95/max after a warm-up, and
   the number of queries.

Usage (from the repository root):

    export KUNDENNAH_DATA_DIR=/tmp/kn-fb DATABASE_URL=sqlite:////tmp/kn-fb/kundennah.sqlite3
    .venv/bin/python -m kundennah migrate
    .venv/bin/python -m kundennah demo --no-serve     # customers, sites, teams, products
    .venv/bin/python -m kundennah seed-feedback --responses 100000
    .venv/bin/python benchmarks/feedback_insights.py --sqlite /tmp/kn-fb/kundennah.sqlite3
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from inprocess import percentiles, setup, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="SQLite database file (else DATABASE_URL)")
    parser.add_argument("--data-dir", help="data directory for static files and the secret key")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--skip-recompute", action="store_true")
    args = parser.parse_args()
    setup(args)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kundennah.accounts.models import User
    from kundennah.feedback.insights import insights_recompute
    from kundennah.feedback.models import Response

    answers = Response.objects.count()
    commented = Response.objects.exclude(comment="").count()
    print(f"answers: {answers:,}, with a comment: {commented:,}")
    if not args.skip_recompute:
        started = time.perf_counter()
        run = insights_recompute()
        took = time.perf_counter() - started
        print(f"\n| recompute | state | seconds | steps |\n|---|---|---|---|\n"
              f"| {run.responses:,} answers, {run.messages:,} messages | {run.state} | {took:.1f} | "
              f"{run.results.get('timings', {})} |")
        print(f"topics found: {len(run.results.get('topics', []))}: "
              + "; ".join(t["label"] for t in run.results.get("topics", [])))
    admin = User.objects.filter(role=User.Role.ADMIN, is_active=True).order_by("id").first()
    client = Client()
    client.force_login(admin)
    print("\n| page | requests | p50 ms | p95 ms | max ms | queries | drivers |\n|---|---|---|---|---|---|---|")
    for label, url in (("insights, 6 months", "/feedback/insights/"),
                       ("insights, 12 months", "/feedback/insights/?months=12"),
                       ("API drivers, 12 months", "/api/v1/insights/drivers?months=12")):
        for _ in range(args.warmup):
            client.get(url)
        samples = timed(lambda url=url: client.get(url), args.requests)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        drivers = response.content.decode().count('class="card mb-3 driver"') if "api" not in url else len(
            response.json()["drivers"])
        p50, p95, _p99, top = percentiles(samples)
        print(f"| {label} | {args.requests} | {p50:.0f} | {p95:.0f} | {top:.0f} | {len(queries)} | {drivers} |")


if __name__ == "__main__":
    main()
