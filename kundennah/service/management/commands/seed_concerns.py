"""``kundennah seed-concerns``: many concerns by bulk inserts, for benchmarks of the service desk."""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kundennah.core.maintenance import database_statistics_refresh
from kundennah.service.seeding import seed_concerns


def _not_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ArgumentTypeError("must not be negative")
    return value


class Command(BaseCommand):
    help = (
        "Generate concerns with bulk inserts: closed ones over the past year and open ones of the last days, "
        "across teams, agents, channels, priorities and categories, with due times and promise states. Teams "
        "without agents get generated agents (no password). No messages, history or outbox events. Adds to "
        "whatever is in the database."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--concerns", type=_not_negative, default=1_000_000,
                            help="How many concerns to add (default 1,000,000).")
        parser.add_argument("--open", type=_not_negative, default=100_000,
                            help="How many of them are open (default 100,000).")
        parser.add_argument("--batch-size", type=_not_negative, default=5_000)
        parser.add_argument("--agents-per-team", type=_not_negative, default=8)
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same seed, same data).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["open"] > options["concerns"]:
            raise CommandError("--open cannot be more than --concerns.")
        total = options["concerns"]
        step = max(options["batch_size"], total // 20 or 1)
        shown = [0]

        def progress(done: int) -> None:
            if done - shown[0] >= step or done == total:
                shown[0] = done
                self.stdout.write(f"  {done:,} / {total:,}")

        report = seed_concerns(
            concerns=total, open_concerns=options["open"], seed=options["seed"],
            batch_size=max(1, options["batch_size"]), agents_per_team=options["agents_per_team"], progress=progress,
        )
        database_statistics_refresh()
        self.stdout.write(self.style.SUCCESS(
            f"{report.concerns:,} concerns ({report.open:,} open) added in {report.seconds:.1f} s; "
            f"{report.agents_created} agents created."
        ))
