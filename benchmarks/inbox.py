"""Server time of the agent's inbox, first page, on a database full of concerns.

What is measured: Django's full request handling in-process through ``django.test.Client``
(URL routing, all middleware including the session and user lookups, the view, the inbox
selector's queries, template rendering) from ``client.get()`` to the finished response, for the
first page of each inbox view: the default (``GET /service/``), mine, team, overdue and
callbacks. The user is the agent with the most open concerns (so "mine" is a full page), in one
team. Not measured: network, the WSGI server, the browser. The inbox selector alone
(``inbox_page``) is timed as well, to tell query time from rendering time.

Usage (from the repository root; fill the database first):

    export KUNDENNAH_DATA_DIR=/tmp/kn-bench DATABASE_URL=sqlite:////tmp/kn-bench/kundennah.sqlite3
    .venv/bin/python -m kundennah migrate
    .venv/bin/python -m kundennah seed-concerns --concerns 1000000 --open 100000
    .venv/bin/python benchmarks/inbox.py --sqlite /tmp/kn-bench/kundennah.sqlite3

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_bench_1m .venv/bin/python benchmarks/inbox.py

Prints a Markdown table (p50/p95/p99/max in milliseconds after a warm-up, the number of
queries per request, the rows on the page) and optionally JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from inprocess import percentiles, setup, timed  # noqa: E402

SCENARIOS: list[tuple[str, dict[str, str]]] = [
    ("inbox (default view)", {}),
    ("inbox: mine", {"view": "mine"}),
    ("inbox: team", {"view": "team"}),
    ("inbox: overdue", {"view": "overdue"}),
    ("inbox: callbacks", {"view": "callbacks"}),
]


@dataclass
class Result:
    scenario: str
    url: str
    requests: int
    p50: float
    p95: float
    p99: float
    max: float
    queries: int = 0
    rows: int = 0
    selector_p95: float | None = None
    status: str = "ok"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="SQLite database file (else DATABASE_URL)")
    parser.add_argument("--data-dir", help="data directory for static files and the secret key")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per scenario (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per scenario (default 20)")
    parser.add_argument("--user", help="username to measure as (default: the agent with the most open concerns)")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args()
    setup(args)

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kundennah.accounts.models import User
    from kundennah.service.inbox import InboxQuery, inbox_page
    from kundennah.service.models import Concern

    started = time.perf_counter()
    concerns = Concern.objects.count()
    open_count = Concern.objects.filter(status__in=Concern.OPEN_STATES).count()
    print(f"# {connection.vendor} {connection.settings_dict['NAME']}: {concerns:,} concerns, {open_count:,} open "
          f"(counted in {time.perf_counter() - started:.1f} s)\n", flush=True)

    if args.user:
        user = User.objects.get(username=args.user)
    else:
        busiest = (Concern.objects.filter(status__in=Concern.OPEN_STATES, assignee__isnull=False)
                   .values("assignee").annotate(n=Count("id")).order_by("-n").first())
        if busiest is None:
            sys.exit("No open assigned concerns: run `kundennah seed-concerns` first.")
        user = User.objects.get(pk=busiest["assignee"])
    print(f"As {user.username} ({user.role}, teams: {', '.join(t.name for t in user.teams.all())})\n",
          file=sys.stderr, flush=True)
    client = Client()
    client.force_login(user)

    results: list[Result] = []
    for name, params in SCENARIOS:
        query_string = "&".join(f"{k}={v}" for k, v in params.items())
        url = "/service/" + (f"?{query_string}" if query_string else "")
        response = client.get(url)
        if response.status_code != 200:
            results.append(Result(name, url, 0, 0, 0, 0, 0, status=f"HTTP {response.status_code}"))
            continue
        timed(lambda u=url: client.get(u), args.warmup)
        page = timed(lambda u=url: client.get(u), args.requests)
        query = InboxQuery.from_params(params)
        selector = timed(lambda q=query: list(inbox_page(user=user, query=q).rows), args.requests)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        rows = len(list(inbox_page(user=user, query=query).rows))
        p50, p95, p99, worst = percentiles(page)
        results.append(Result(name, url, len(page), p50, p95, p99, worst, len(captured), rows,
                              percentiles(selector)[1]))
        print(f"{name}: p95 {p95:.1f} ms", file=sys.stderr, flush=True)

    print("| Scenario | URL | Rows | Queries | p50 ms | p95 ms | p99 ms | max ms | selector p95 ms |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if r.status != "ok":
            print(f"| {r.scenario} | `{r.url}` | | | {r.status} | | | | |")
            continue
        selector_text = f"{r.selector_p95:.1f}" if r.selector_p95 is not None else ""
        print(f"| {r.scenario} | `{r.url}` | {r.rows} | {r.queries} | {r.p50:.1f} | {r.p95:.1f} | {r.p99:.1f} | "
              f"{r.max:.1f} | {selector_text} |")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": connection.vendor, "concerns": concerns, "open": open_count,
            "results": [asdict(r) for r in results],
        }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
