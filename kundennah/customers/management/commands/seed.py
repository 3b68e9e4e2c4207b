"""``kundennah seed``: realistic German customers at scale, for trials and benchmarks."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kundennah.customers.seeding.bulk import SeedOptions, SeedProgress, seed_customers
from kundennah.customers.services.customers import CUSTOMER_NUMBER_SEQUENCE


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ArgumentTypeError("must be at least 1")
    return value


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ArgumentTypeError("must not be negative")
    return value


def _duration(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{seconds:.1f} s"


class Command(BaseCommand):
    help = (
        "Generate realistic German customers (persons and organisations with sites, bank accounts, contact "
        "points, holdings, consents, contact persons) and their timelines with bulk inserts. Customer numbers "
        f"come from the '{CUSTOMER_NUMBER_SEQUENCE}' sequence, search keys are the ones the services write. "
        "For speed no audit history and no outbox events are written for seeded data. Runs on SQLite and "
        "PostgreSQL (COPY); adds to whatever is in the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--customers", type=_positive, required=True, help="How many customers to add.")
        parser.add_argument(
            "--interactions-per-customer", type=_not_negative, default=10,
            help="Average number of timeline entries per customer (default 10).",
        )
        parser.add_argument(
            "--heavy-customers", type=_not_negative, default=10,
            help="Customers with 200 to 400 timeline entries each (default 10); the first has exactly 200.",
        )
        parser.add_argument(
            "--batch-size", type=_positive, default=5000, help="Customers per transaction (default 5000)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--organisations", type=float, default=0.2, metavar="SHARE",
            help="Share of organisations among the customers, 0 to 1 (default 0.2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["organisations"] <= 1:
            raise CommandError("--organisations must be between 0 and 1.")
        seed_options = SeedOptions(
            customers=options["customers"],
            interactions_per_customer=options["interactions_per_customer"],
            heavy_customers=options["heavy_customers"],
            batch_size=options["batch_size"],
            seed=options["seed"],
            organisation_share=options["organisations"],
        )
        quiet = options["verbosity"] == 0
        self.stdout.write(
            f"Seeding {seed_options.customers:,} customers (~{seed_options.interactions_per_customer} contacts "
            f"each, {seed_options.heavy_customers} heavy) into {connection.vendor} "
            f"{connection.settings_dict['NAME']} …"
        )
        report = seed_customers(seed_options, progress=None if quiet else self._progress)
        self.stdout.write(self.style.SUCCESS(
            f"Done in {_duration(report.seconds)} (statistics {_duration(report.analyse_seconds)}): "
            f"{report.customers:,} customers ({report.organisations:,} organisations, {report.sites:,} sites), "
            f"{report.contact_points:,} contact points, {report.search_keys:,} search keys, "
            f"{report.interactions:,} contacts; numbers {report.first_number} … {report.last_number}."
        ))
        if report.heavy_customer_ids:
            ids = ", ".join(str(i) for i in report.heavy_customer_ids[:10])
            self.stdout.write(f"Customers with many contacts (ids): {ids}")

    def _progress(self, progress: SeedProgress) -> None:
        rate = progress.customers / progress.seconds if progress.seconds else 0
        remaining = (progress.total - progress.customers) / rate if rate else 0
        self.stdout.write(
            f"  {progress.customers:>10,} / {progress.total:,} customers, {progress.interactions:>12,} contacts, "
            f"{rate:,.0f} customers/s, {_duration(progress.seconds)} elapsed, ~{_duration(remaining)} to go"
        )
