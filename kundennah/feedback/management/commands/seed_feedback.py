"""``kundennah seed-feedback``: a year of answered surveys by bulk inserts, for benchmarks."""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand

from kundennah.core.maintenance import database_statistics_refresh
from kundennah.feedback.seeding import BATCH, feedback_history_seed


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ArgumentTypeError("must be at least 1")
    return value


class Command(BaseCommand):
    help = (
        "Generate answered feedback surveys with German comments over the last months for the customers, "
        "sites, teams, categories and products in the database, with a story (a site with late deliveries, "
        "hotline waiting times, invoice trouble, a friendly team, a toner with problems), then the customers' "
        "running balances. Tone and topics are left to the insights run. Adds to whatever is there."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--responses", type=_positive, default=100_000, help="How many answers (default 100,000).")
        parser.add_argument("--months", type=_positive, default=12, help="Spread over this many months (default 12).")
        parser.add_argument("--concerns", action="store_true",
                            help="Give every answer after a concern a resolved concern of its own (slower).")
        parser.add_argument("--batch-size", type=_positive, default=BATCH)
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (same seed, same data).")

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["responses"]
        step = max(options["batch_size"], total // 10)
        shown = [0]

        def progress(done: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                self.stdout.write(f"  {done:,} / {total:,}")

        started = time.perf_counter()
        written = feedback_history_seed(responses=total, months=options["months"], seed=options["seed"],
                                        concerns=options["concerns"], batch_size=options["batch_size"],
                                        progress=progress)
        database_statistics_refresh()
        self.stdout.write(self.style.SUCCESS(f"{written:,} answers added in {time.perf_counter() - started:.1f} s."))
