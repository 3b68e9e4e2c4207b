"""Server time of the customer search and the customer 360 on a seeded database.

What is measured: Django's full request handling in-process through ``django.test.Client``
(URL routing, all middleware including the session and user lookups in the database, the view,
its selector queries, template rendering or JSON serialisation) from ``client.get()`` to the
finished response, as a logged-in agent. Not measured: network, the WSGI server, the browser.
For the searches the selector alone (``customer_search``, database work plus Python) is timed
as well, to tell query time from rendering time.

Usage (from the repository root, on a database filled with ``kundennah seed``):

    .venv/bin/python benchmarks/search_360.py --sqlite /path/to/kundennah.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_bench_1m .venv/bin/python benchmarks/search_360.py

Prints a Markdown table (p50/p95/p99/max in milliseconds after a warm-up) and optionally JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from inprocess import percentiles, setup, timed  # noqa: E402

# Common names the search must answer fast although they match thousands of customers.
COMMON = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann"]
WITHOUT_UMLAUTS = ["Mueller", "Muller", "Schaefer", "Koehler", "Kruger", "Moeller", "Bohm", "Jaeger", "Groß", "Weiss"]
RARE = ["Übelhör", "Nüßlein", "Ölschläger", "Dünnebier", "Xylander", "Wiśniewski", "Quiring", "Ypsilantis",
        "Feldkötter", "Söhnlein"]


@dataclass
class Result:
    scenario: str
    example: str
    requests: int
    p50: float
    p95: float
    p99: float
    max: float
    results: float = 0.0
    queries: int = 0
    selector_p95: float | None = None
    status: str = "ok"
    extra: dict[str, Any] = field(default_factory=dict)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", help="SQLite database file (else DATABASE_URL)")
    parser.add_argument("--data-dir", help="data directory for static files and the secret key")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per scenario (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per scenario (default 20)")
    parser.add_argument("--customer", type=int, help="customer id for the 360 (default: one with 200 contacts)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument("--only", help="comma-separated scenario name prefixes to run")
    args = parser.parse_args()
    setup(args)

    import phonenumbers
    from django.db import connection
    from django.db.models import Count, Max
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kundennah.accounts.models import User
    from kundennah.core.phones import phone_display
    from kundennah.customers.models import BankAccount, ContactPoint, Customer
    from kundennah.customers.selectors import customer_360, customer_search
    from kundennah.timeline.models import Interaction

    rng = random.Random(args.seed)
    agent, _created = User.objects.get_or_create(
        username="bench_agent", defaults={"role": User.Role.AGENT, "first_name": "Bench", "language": "de"}
    )
    client = Client()
    client.force_login(agent)

    started = time.perf_counter()
    highest = Customer.objects.aggregate(m=Max("id"))["m"] or 0
    customers = Customer.objects.count()
    interactions = Interaction.objects.count()
    print(f"# {connection.vendor} {connection.settings_dict['NAME']}: {customers:,} customers, "
          f"{interactions:,} contacts (counted in {time.perf_counter() - started:.1f} s)\n", flush=True)

    need = args.requests + args.warmup
    ids = [rng.randint(1, highest) for _ in range(need * 3)]

    def values(kind: str) -> list[str]:
        found = list(ContactPoint.objects.filter(customer_id__in=ids, kind=kind).values_list("value", flat=True))
        rng.shuffle(found)
        return (found * (need // max(1, len(found)) + 1))[:need]

    phones, emails = values("phone"), values("email")
    people = list(Customer.objects.filter(id__in=ids, kind="person").values_list("first_name", "last_name", "number"))
    numbers = list(Customer.objects.filter(id__in=ids).values_list("number", flat=True))
    ibans = list(BankAccount.objects.filter(customer_id__in=ids).values_list("iban", flat=True))

    def national(e164: str) -> str:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)

    def cycle(items: list[str]) -> list[str]:
        items = items or ["-"]
        return [items[i % len(items)] for i in range(need)]

    searches: list[tuple[str, list[str]]] = [
        ("search phone +49… (E.164)", cycle(phones)),
        ("search phone +49 30 … (international)", cycle([phone_display(p) for p in phones])),
        # National format means German numbers (an Austrian 0664… is another number from Germany).
        ("search phone 030 … (national)", cycle([national(p) for p in phones if p.startswith("+49")])),
        ("search phone 0049…", cycle(["00" + p[1:] for p in phones])),
        ("search email", cycle(emails)),
        ("search customer number K-…", cycle(numbers)),
        ("search customer number digits", cycle([n.removeprefix("K-") for n in numbers])),
        ("search IBAN", cycle(ibans)),
        ("search common last name (Müller…)", cycle(COMMON)),
        ("search name typed without umlaut (Mueller…)", cycle(WITHOUT_UMLAUTS)),
        ("search rare last name (Übelhör…)", cycle(RARE)),
        ("search first + last name", cycle([f"{f} {la}" for f, la, _n in people])),
        ("search last + first name, lower case", cycle([f"{la} {f}".lower() for f, la, _n in people])),
        ("search name prefix (Schm)", cycle(["Schm", "Wag", "Hof", "Beck", "Krü"])),
    ]

    def wanted(name: str) -> bool:
        return not args.only or any(name.startswith(p.strip()) for p in args.only.split(","))

    results: list[Result] = []
    for name, queries in searches:
        if not wanted(name):
            continue
        for query in queries[: args.warmup]:
            client.get("/customers/", {"q": query})
        measured = queries[args.warmup :]
        page: list[float] = []
        selector: list[float] = []
        hits = 0
        for query in measured:
            page += timed(lambda q=query: client.get("/customers/", {"q": q}), 1)
            started = time.perf_counter()
            hits += len(customer_search(user=agent, query=query, limit=25))
            selector.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            client.get("/customers/", {"q": measured[0]})
        p50, p95, p99, worst = percentiles(page)
        results.append(Result(name, measured[0], len(page), p50, p95, p99, worst, hits / len(measured),
                              len(captured), percentiles(selector)[1]))
        print(f"{name}: p95 {p95:.1f} ms", file=sys.stderr, flush=True)

    # The 360: a customer with 200 contacts (the first heavy customer of `kundennah seed`).
    customer_id = args.customer
    if customer_id is None:
        first = list(Customer.objects.order_by("id").values_list("id", flat=True)[:50])
        counts = dict(Interaction.objects.filter(customer_id__in=first).values_list("customer_id")
                      .annotate(n=Count("id")).values_list("customer_id", "n"))
        heavy = sorted((n, cid) for cid, n in counts.items() if n >= 200)
        customer_id = heavy[0][1] if heavy else max(counts, key=lambda c: counts[c], default=first[0])
    contacts = Interaction.objects.filter(customer_id=customer_id).count()
    organisation = (Customer.objects.filter(kind="organisation", id__gte=rng.randint(1, highest))
                    .order_by("id").values_list("id", flat=True).first())
    pages = [(f"360 page, customer with {contacts} contacts", f"/customers/{customer_id}/", customer_id)]
    if organisation:
        count = Interaction.objects.filter(customer_id=organisation).count()
        pages.append((f"360 page, organisation with sites ({count} contacts)", f"/customers/{organisation}/",
                      organisation))
    pages.append((f"360 API, customer with {contacts} contacts", f"/api/v1/customers/{customer_id}", None))
    for name, url, selector_id in pages:
        if not wanted(name):
            continue
        status = client.get(url).status_code
        if status != 200:
            results.append(Result(name, url, 0, 0, 0, 0, 0, status=f"HTTP {status}: not available"))
            continue
        timed(lambda u=url: client.get(u), args.warmup)
        page = timed(lambda u=url: client.get(u), args.requests)
        selector_p95 = None
        if selector_id is not None:
            selector_p95 = percentiles(timed(lambda s=selector_id: customer_360(user=agent, customer_id=s),
                                             args.requests))[1]
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        p50, p95, p99, worst = percentiles(page)
        results.append(Result(name, url, len(page), p50, p95, p99, worst, 1, len(captured), selector_p95))
        print(f"{name}: p95 {p95:.1f} ms", file=sys.stderr, flush=True)

    print("| Scenario | Example query | Avg. hits | Queries | p50 ms | p95 ms | p99 ms | max ms | selector p95 ms |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        if r.status != "ok":
            print(f"| {r.scenario} | `{r.example}` | | | {r.status} | | | | |")
            continue
        selector_text = f"{r.selector_p95:.1f}" if r.selector_p95 is not None else ""
        print(f"| {r.scenario} | `{r.example}` | {r.results:.1f} | {r.queries} | {r.p50:.1f} | {r.p95:.1f} | "
              f"{r.p99:.1f} | {r.max:.1f} | {selector_text} |")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "database": connection.vendor, "customers": customers, "interactions": interactions,
            "results": [asdict(r) for r in results],
        }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
