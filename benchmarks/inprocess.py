"""What the in-process request benchmarks share: Django set up against the measured database,
timing of a call in milliseconds, and the percentiles reported."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def percentiles(samples: list[float]) -> tuple[float, float, float, float]:
    """p50, p95, p99 and the maximum."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98], max(samples)


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def setup(args: argparse.Namespace) -> None:
    """Django on ``--sqlite FILE`` (else ``DATABASE_URL``), static files collected once."""
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(args.sqlite).resolve()}"
        data_dir = args.data_dir or str(Path(args.sqlite).resolve().parent)
    else:
        data_dir = args.data_dir or tempfile.mkdtemp(prefix="kundennah-bench-")
    os.environ.setdefault("KUNDENNAH_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundennah.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
