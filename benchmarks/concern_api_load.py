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
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
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


def _wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def _body(n: int) -> bytes:
    return json.dumps({
        "channel": "phone",
        "contact": {"name": f"Erika Muster {n}", "email": f"erika.{n}@example.org", "phone": ""},
        "subject": f"Rechnung {n} doppelt abgebucht",
        "body": "Guten Tag, meine Rechnung wurde zweimal abgebucht. Bitte prüfen Sie das.",
    }).encode()


def _drive(args: tuple[int, str, float, float, bool, int]) -> dict[str, Any]:
    """One client process: send until the end, keep latencies of what was sent after the warm-up."""
    port, token, start_at, end_at, idempotency, seed = args
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept-Language": "de"}
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    n = seed * 10_000_000
    while True:
        now = time.time()
        if now >= end_at:
            break
        n += 1
        request_headers = {**headers, "Idempotency-Key": uuid.uuid4().hex} if idempotency else headers
        began = time.perf_counter()
        try:
            connection.request("POST", PATH, body=_body(n), headers=request_headers)
            response = connection.getresponse()
            response.read()
            outcome = str(response.status)
        except (OSError, http.client.HTTPException) as exc:
            outcome = type(exc).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        elapsed = time.perf_counter() - began
        if now >= start_at:
            latencies.append(elapsed)
            statuses[outcome] = statuses.get(outcome, 0) + 1
    connection.close()
    return {"latencies": latencies, "statuses": statuses}


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


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

    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "kundennah.wsgi:application", "--workers", str(options.workers), "--bind",
         f"127.0.0.1:{options.port}", "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        _wait_until_up(options.port, server)
        start_at = time.time() + options.warmup
        end_at = start_at + options.duration
        jobs = [(options.port, token, start_at, end_at, options.idempotency, seed)
                for seed in range(1, options.clients + 1)]
        with multiprocessing.get_context("spawn").Pool(options.clients) as pool:
            results = pool.map(_drive, jobs)
    finally:
        server.terminate()
        server.wait(timeout=30)

    latencies = [value for result in results for value in result["latencies"]]
    statuses: dict[str, int] = {}
    for result in results:
        for outcome, count in result["statuses"].items():
            statuses[outcome] = statuses.get(outcome, 0) + count
    total = len(latencies)
    errors = total - statuses.get("201", 0)
    figures = {
        "workers": options.workers, "clients": options.clients, "duration_s": options.duration,
        "idempotency": options.idempotency, "requests": total, "requests_per_s": round(total / options.duration, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "errors": errors, "statuses": statuses,
    }
    print(f"POST {PATH}: {options.workers} gunicorn workers, {options.clients} clients, {options.duration:g} s")
    print(f"  requests/s {figures['requests_per_s']}  ({total} requests)")
    print(f"  latency p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  p99 {figures['p99_ms']} ms  "
          f"max {figures['max_ms']} ms")
    print(f"  errors {errors}  statuses {statuses}")
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
