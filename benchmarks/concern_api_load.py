"""Load on the concern intake: ``POST /api/v1/concerns`` through gunicorn on PostgreSQL.

Sets up the database named by ``DATABASE_URL`` (migrates it, creates a team, an agent and an
API token), starts gunicorn on 127.0.0.1 with ``--workers`` processes and drives the endpoint
from ``--clients`` driver processes (keep-alive ``http.client`` connections, each sending as
fast as it gets answers) for ``--duration`` seconds after a short warm-up. Prints requests/s,
p50/p95/p99/max latency and the errors (any answer but 201, and failed connections).

Usage::

    createdb -h 127.0.0.1 -U postgres kn_bench_api
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_bench_api
    .venv/bin/python benchmarks/concern_api_load.py --workers 4 --clients 16 --duration 60

Options: ``--workers`` (gunicorn processes, default 2×cores), ``--clients`` (driver processes),
``--duration`` and ``--warmup`` (seconds), ``--port``, ``--idempotency`` (send a fresh
``Idempotency-Key`` with every request, to include that path), ``--json FILE`` (the figures).
The data directory (secret key, job queue) is a temporary one unless ``KUNDENNAH_DATA_DIR``
is set. Every run adds concerns to the database; use a database of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/concerns"


def _setup_database() -> str:
    """Migrate, then make sure a team, an agent and a token exist. Returns the token."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    from kundennah.accounts.models import Team, User
    from kundennah.accounts.tokens import api_token_create

    team, _created = Team.objects.get_or_create(name="Bench Service")
    user = User.objects.filter(username="bench_api_agent").first()
    if user is None:
        user = User.objects.create_user(username="bench_api_agent", email="bench_api_agent@kundennah.example",
                                        password=uuid.uuid4().hex, role=User.Role.AGENT)
    user.teams.add(team)
    _token, raw = api_token_create(user=user, name="concern load benchmark")
    connections.close_all()
    return raw


def concern_body(n: int, data: dict[str, Any]) -> bytes:
    return json.dumps({
        "channel": "phone",
        "contact": {"name": f"Erika Muster {n}", "email": f"erika.{n}@example.org", "phone": ""},
        "subject": f"Rechnung {n} doppelt abgebucht",
        "body": "Guten Tag, meine Rechnung wurde zweimal abgebucht. Bitte prüfen Sie das.",
    }).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--idempotency", action="store_true")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own (see --help).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundennah.settings")
    os.environ.setdefault("KUNDENNAH_DATA_DIR", tempfile.mkdtemp(prefix="kn-bench-api-"))
    # The API needs no static files; an empty directory keeps whitenoise quiet.
    (Path(os.environ["KUNDENNAH_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("HUEY_IMMEDIATE", "0")
    sys.path.insert(0, str(ROOT))
    token = _setup_database()

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import loadgen

    server = loadgen.gunicorn_start(options.workers, options.port)
    try:
        figures = loadgen.run(port=options.port, token=token, path=PATH, body_of="concern_api_load.concern_body",
                              clients=options.clients, duration=options.duration, warmup=options.warmup,
                              idempotency=options.idempotency, expected=201)
    finally:
        server.terminate()
        server.wait(timeout=30)
    figures["workers"] = options.workers
    loadgen.report(f"POST {PATH}: {options.workers} gunicorn workers, {options.clients} clients, "
                   f"{options.duration:g} s", figures)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
