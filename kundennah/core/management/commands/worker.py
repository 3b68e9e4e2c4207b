"""``kundennah worker``: the background job consumer (huey) with the settings' queue and threads.

The same command as huey's ``run_huey`` (all of its options work), under the name the
operations guide uses. The queue is SQLite in the data directory, or Redis when REDIS_URL is set.
"""

from __future__ import annotations

import logging
from typing import Any

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHueyCommand


class Command(RunHueyCommand):
    help = (
        "Run the background job consumer (huey): imports, mail polling, SLA sweeps. "
        "Threads from WORKER_THREADS (default 2); stop with Ctrl-C, running jobs finish first."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        logger = logging.getLogger("huey")
        # The root handler of settings.LOGGING prints huey's messages; with a handler of its own
        # attached (run_huey adds one to a logger without handlers) every line would appear twice.
        logger.addHandler(logging.NullHandler())
        verbose = options.get("verbose")
        logger.setLevel(logging.INFO if verbose is None else logging.DEBUG if verbose else logging.WARNING)
        super().handle(*args, **options)
