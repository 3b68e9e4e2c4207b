"""``kundennah insights [--retrain]``: compute the feedback insights now, optionally after
teaching the tone model the company's own ratings."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kundennah.core.errors import DomainValidationError
from kundennah.feedback.insights import insights_recompute
from kundennah.feedback.services import sentiment_retrain


class Command(BaseCommand):
    help = "Compute tone, topics and drivers from all feedback answers (what the nightly job does)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--retrain", action="store_true",
                            help="First train the tone model on the rated comments (feeling 1–2 / 3 / 4–5).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retrain"]:
            try:
                model = sentiment_retrain()
            except DomainValidationError as exc:
                raise CommandError("; ".join(str(e.message) for e in exc.errors)) from None
            self.stdout.write(f"Tone model trained on {model.trained_on} comments: accuracy {model.accuracy} "
                              f"(majority-class baseline {model.baseline}).")
        run = insights_recompute()
        if run.state != run.State.DONE:
            raise CommandError(f"The insights run failed: {run.error}")
        self.stdout.write(f"Insights computed from {run.responses} answers and {run.messages} messages "
                          f"in {run.seconds} s; {len(run.results.get('topics', []))} topics.")
