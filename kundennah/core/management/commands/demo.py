"""``kundennah demo``: set up the platform with German demo data and run it.

Migrates the database, collects the static files (whitenoise serves them with DEBUG off), creates
the demo users and loads the demo data once, then runs the background worker beside the web
server (gunicorn) until Ctrl-C stops both.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kundennah.commerce.demo import commerce_demo_load, commerce_demo_loaded
from kundennah.customers.seeding.demo import (
    DemoLogin,
    demo_load,
    demo_loaded,
    demo_passwords,
    demo_users_ensure,
)
from kundennah.feedback.demo import feedback_demo_load, feedback_demo_loaded
from kundennah.feedback.insights import insights_recompute, latest_run
from kundennah.service.demo import service_demo_load, service_demo_loaded

LOGINS_FILE = "demo-logins.json"


def _read_passwords(path: Path) -> dict[str, str]:
    try:
        stored = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    path.write_text(json.dumps(passwords, indent=2) + "\n")
    path.chmod(0o600)


class _Stop(Exception):
    """SIGINT (Ctrl-C) or SIGTERM arrived: stop the processes."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def supervise(commands: dict[str, list[str]], *, env: dict[str, str], grace: float = 10.0,
              write: Any = print) -> int:
    """Run the commands side by side until Ctrl-C, SIGTERM or one of them exits; then stop all.

    Returns 0 after Ctrl-C/SIGTERM and 1 when a process ended by itself (the other is stopped too:
    a web server without its worker is not what the demo promises).
    """
    processes = {name: subprocess.Popen(command, env=env) for name, command in commands.items()}  # noqa: S603
    # Also when started in the background, where SIGINT is ignored: Ctrl-C and kill both stop the demo.
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        while True:
            ended = [name for name, process in processes.items() if process.poll() is not None]
            if ended:
                write(f"{', '.join(ended)} stopped (exit code "
                      f"{', '.join(str(processes[n].returncode) for n in ended)}); stopping the rest.")
                status = 1
                break
            time.sleep(0.3)
    except (KeyboardInterrupt, _Stop):
        write("Stopping …")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + grace
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return status


class Command(BaseCommand):
    help = (
        "Set up and run the platform with German demo data: migrate, collect static files, create the demo "
        "users (admin, teamlead, agent; einkauf for the portal) and the demo customers once, then serve on "
        "http://127.0.0.1:8000/ with "
        "the background worker. Passwords are generated once into the data directory (or DEMO_PASSWORD)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to serve on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to serve on (default 8000).")
        parser.add_argument("--no-serve", action="store_true", help="Set everything up, then exit (tests, CI).")
        parser.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("Preparing the database …")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

        path = Path(settings.DATA_DIR) / LOGINS_FILE
        from_env = os.environ.get("DEMO_PASSWORD", "")
        stored = _read_passwords(path)
        passwords = demo_passwords(stored=stored, from_env=from_env)
        changed = passwords != stored
        if not from_env and changed:
            _write_passwords(path, passwords)
        logins = demo_users_ensure(passwords=passwords, reset=changed)

        if demo_loaded():
            self.stdout.write("Demo data is already there.")
        else:
            self.stdout.write("Loading the demo data …")
            report = demo_load()
            self.stdout.write(f"{report.customers} customers and {report.interactions} contacts loaded "
                              f"in {report.seconds:.1f} s.")
        if not service_demo_loaded():
            self.stdout.write(f"{service_demo_load()} demo concerns loaded.")
        if not commerce_demo_loaded():
            self.stdout.write(f"{commerce_demo_load()} demo orders loaded.")
        if not feedback_demo_loaded():
            self.stdout.write(f"{feedback_demo_load()} demo feedback answers loaded.")
        if latest_run() is None:
            # So the insights page tells its story on first start; afterwards the nightly run keeps it fresh.
            run = insights_recompute()
            self.stdout.write(f"Feedback insights computed in {run.seconds or 0:.1f} s ({run.state}).")

        url = f"http://{options['host']}:{options['port']}/"
        self._print_logins(url, logins, path if not from_env else None)
        if options["no_serve"]:
            return
        self._serve(options["host"], options["port"], options["web_workers"])

    def _print_logins(self, url: str, logins: list[DemoLogin], path: Path | None) -> None:
        width = max(len(login.username) for login in logins)
        lines = [
            "",
            self.style.SUCCESS(f"Kundennah demo: {url}"),
            "Sign in with one of these users:",
            *(f"  {login.username:<{width}}  {login.password}   ({login.role}, {login.name})" for login in logins),
        ]
        if path is not None:
            lines.append(f"(passwords are kept in {path}; set DEMO_PASSWORD to choose your own)")
        lines.append("")
        self.stdout.write("\n".join(lines))

    def _serve(self, host: str, port: int, web_workers: int) -> None:
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "kundennah.settings"))
        python = sys.executable
        commands = {
            "worker": [python, "-m", "kundennah", "worker"],
            "web server": [
                python, "-m", "gunicorn", "kundennah.wsgi:application", "--bind", f"{host}:{port}",
                "--workers", str(web_workers), "--threads", "4", "--worker-class", "gthread",
                "--graceful-timeout", "5", "--access-logfile", "-", "--no-control-socket",
            ],
        }
        self.stdout.write("Starting the worker and the web server; press Ctrl-C to stop both.")
        self.stdout.flush()
        if supervise(commands, env=env, write=self.stdout.write):
            raise CommandError("The demo stopped because a process ended.")
