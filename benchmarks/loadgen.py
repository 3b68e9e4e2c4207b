"""What the HTTP load benchmarks share: gunicorn on loopback, client processes sending as fast as
they get answers over keep-alive connections, and the figures (requests/s, latency percentiles,
every answer that was not the expected status counted as an error)."""

from __future__ import annotations

import http.client
import importlib
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def wait_until_up(port: int, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
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


def gunicorn_start(workers: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "kundennah.wsgi:application", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", "--keep-alive", "30"],
        cwd=ROOT, env=os.environ.copy(),
    )
    wait_until_up(port, server)
    return server


def _drive(args: tuple[int, str, str, str, float, float, bool, int, int, str]) -> dict[str, Any]:
    """One client process: send until the end, keep latencies of what was sent after the warm-up."""
    port, token, path, body_of, start_at, end_at, idempotency, seed, expected, context = args
    module, _dot, name = body_of.rpartition(".")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    make_body = getattr(importlib.import_module(module), name)
    data = json.loads(context)
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
            connection.request("POST", path.format(**make_path_args(data, n)), body=make_body(n, data),
                               headers=request_headers)
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
    return {"latencies": latencies, "statuses": statuses, "expected": expected}


def make_path_args(data: dict[str, Any], n: int) -> dict[str, Any]:
    devices = data.get("device_ids") or [0]
    return {"device_id": devices[n % len(devices)]}


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(*, port: int, token: str, path: str, body_of: str, clients: int, duration: float, warmup: float,
        idempotency: bool, expected: int, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """Drive ``POST path`` from ``clients`` processes; the figures of what was sent after the warm-up."""
    start_at = time.time() + warmup
    end_at = start_at + duration
    jobs = [(port, token, path, body_of, start_at, end_at, idempotency, seed, expected, json.dumps(context or {}))
            for seed in range(1, clients + 1)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        results = pool.map(_drive, jobs)
    latencies = [value for result in results for value in result["latencies"]]
    statuses: dict[str, int] = {}
    for result in results:
        for outcome, count in result["statuses"].items():
            statuses[outcome] = statuses.get(outcome, 0) + count
    total = len(latencies)
    return {
        "clients": clients, "duration_s": duration, "idempotency": idempotency, "requests": total,
        "requests_per_s": round(total / duration, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
        "errors": total - statuses.get(str(expected), 0), "statuses": statuses,
    }


def report(title: str, figures: dict[str, Any]) -> None:
    print(title)
    print(f"  requests/s {figures['requests_per_s']}  ({figures['requests']} requests)")
    print(f"  latency p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms  p99 {figures['p99_ms']} ms  "
          f"max {figures['max_ms']} ms")
    print(f"  errors {figures['errors']}  statuses {figures['statuses']}")
