"""Mail intake from a real IMAP server (a private Dovecot on loopback).

Three measurements::

    .venv/bin/python benchmarks/mail_intake.py throughput --mails 2000
    .venv/bin/python benchmarks/mail_intake.py corpus --mails 1000
    .venv/bin/python benchmarks/mail_intake.py crash --mails 1000 --kills 20

``throughput``: plain German customer mails, each parsed, stored (raw and as a concern with
its message), matched (sender, thread) and acknowledged (acknowledgement queued in the mail
outbox); mails per second of one ``mailbox_poll``.
``corpus``: a mixed corpus (5 % malformed, some duplicates, many charsets, a 10 MB attachment
every 100 mails): counts what became of each mail, checks that none is lost or stored twice,
and reports the peak memory of the process.
``crash``: ``kundennah mail poll`` is started and killed with SIGKILL at a random moment,
``--kills`` times, then run to the end; afterwards every mail must be stored exactly once and the
server folder must be empty.

The database is a fresh SQLite file in a temporary data directory, or ``DATABASE_URL`` (use a
database of its own: it is migrated and filled). Needs Dovecot (Debian package dovecot-imapd).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_ENV = "KN_BENCH_MAIL_PASSWORD"


def _setup() -> None:
    data_dir = tempfile.mkdtemp(prefix="kn-bench-mail-")
    os.environ.setdefault("KUNDENNAH_DATA_DIR", data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundennah.settings")
    os.environ.setdefault("HUEY_IMMEDIATE", "0")  # acknowledgements are queued, as in production
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ[PASSWORD_ENV] = "bench-password"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _mailbox(port: int):
    from kundennah.accounts.models import Team
    from kundennah.channels.email.models import Mailbox

    team, _created = Team.objects.get_or_create(name="Service Bench")
    mailbox, _created = Mailbox.objects.update_or_create(name="Bench", defaults={
        "team": team, "imap_host": "127.0.0.1", "imap_port": port, "imap_security": "none", "username": "bench",
        "password_env": PASSWORD_ENV, "smtp_host": "127.0.0.1", "smtp_port": 1, "smtp_security": "none",
        "from_address": "service@kundennah.example.org",
    })
    return mailbox


def _append(dovecot, mails: list[bytes]) -> float:
    started = time.perf_counter()
    with dovecot.login("bench") as client:
        for raw in mails:
            client.append(raw, "INBOX")
    return time.perf_counter() - started


def _plain(count: int, seed: int) -> list[bytes]:
    from kundennah.channels.email.tests.corpus import mixed_corpus

    return mixed_corpus(count, seed=seed, malformed_share=0.0, duplicate_share=0.0, big_attachment_every=0)


def _summary() -> dict[str, int]:
    from django.db.models import Count

    from kundennah.channels.email.models import InboundMail, OutboundMail
    from kundennah.service.models import Concern, Message

    statuses = dict(InboundMail.objects.values_list("status").annotate(n=Count("id")))
    twice = (InboundMail.objects.exclude(header_id="").exclude(status__in=["duplicate", "malformed"])
             .values("header_id").annotate(n=Count("id")).filter(n__gt=1).count())
    return {
        "inbound_mails": InboundMail.objects.count(), **{f"status_{k}": v for k, v in statuses.items()},
        "concerns": Concern.objects.filter(channel="email").count(),
        "inbound_messages": Message.objects.filter(channel="email", kind="inbound").count(),
        "acknowledgements_queued": OutboundMail.objects.filter(kind="acknowledgement").count(),
        "message_ids_stored_twice": twice,
    }


def throughput(args: argparse.Namespace, dovecot) -> None:
    from kundennah.channels.email.fetching import mailbox_poll

    mailbox = _mailbox(dovecot.port)
    mails = _plain(args.mails, seed=1)
    appended = _append(dovecot, mails)
    started = time.perf_counter()
    report = mailbox_poll(mailbox)
    elapsed = time.perf_counter() - started
    print(f"appended {len(mails)} mails in {appended:.1f} s")
    print(f"taken in {report.fetched} mails in {elapsed:.1f} s: {report.fetched / elapsed:.1f} mails/s "
          f"(error: {report.error or 'none'})")
    print(_summary())
    print(f"left on the server: {len(dovecot.uids('bench'))}")


def corpus(args: argparse.Namespace, dovecot) -> None:
    from kundennah.channels.email.fetching import mailbox_poll
    from kundennah.channels.email.tests.corpus import mixed_corpus

    mailbox = _mailbox(dovecot.port)
    mails = mixed_corpus(args.mails, seed=2, malformed_share=0.05, duplicate_share=0.02, big_attachment_every=100)
    _append(dovecot, mails)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = mailbox_poll(mailbox)
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    summary = _summary()
    print(f"corpus of {len(mails)} mails ({sum(len(m) for m in mails) / 1e6:.0f} MB) taken in in {elapsed:.1f} s "
          f"(error: {report.error or 'none'})")
    print(summary)
    print(f"lost: {len(mails) - summary['inbound_mails']}; left on the server: {len(dovecot.uids('bench'))}")
    print(f"peak RSS: {rss_before / 1024:.0f} MiB before, {rss_after / 1024:.0f} MiB after")


def crash(args: argparse.Namespace, dovecot) -> None:
    mailbox = _mailbox(dovecot.port)
    mails = _plain(args.mails, seed=3)
    _append(dovecot, mails)
    rng = random.Random(4)
    command = [sys.executable, "-m", "kundennah", "mail", "poll", "--mailbox", mailbox.name]
    from django.db import connections

    connections.close_all()
    for kill in range(args.kills):
        poller = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.0, 3.5))  # about a second of start-up, then some mails
        poller.send_signal(signal.SIGKILL)
        poller.wait()
        print(f"kill {kill + 1}: {len(dovecot.uids('bench'))} mails still on the server", flush=True)
    finished = subprocess.run(command, cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, check=False)
    print(finished.stdout.strip(), finished.stderr.strip()[-500:])
    summary = _summary()
    print(summary)
    # Every mail is one inbound message (a new concern's first one or a reply's), or a robot's
    # mail kept without a message; none is missing and none is there twice.
    robots = summary.get("status_loop", 0) + summary.get("status_bounce", 0)
    once = (summary["inbound_mails"] == len(mails) and summary["inbound_messages"] + robots == len(mails)
            and summary["message_ids_stored_twice"] == 0)
    print(f"mails {len(mails)}; concerns {summary['concerns']}; inbound messages {summary['inbound_messages']}; "
          f"stored exactly once: {once}; left on the server: {len(dovecot.uids('bench'))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["throughput", "corpus", "crash"])
    parser.add_argument("--mails", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    _setup()
    from kundennah.channels.email.tests.servers import DovecotServer, dovecot_binary

    if dovecot_binary() is None:
        raise SystemExit("Dovecot is not installed (apt-get install dovecot-imapd).")
    with tempfile.TemporaryDirectory(prefix="kn-bench-dovecot-") as directory:
        dovecot = DovecotServer(Path(directory))
        dovecot.start()
        try:
            dovecot.add_user("bench", "bench-password")
            {"throughput": throughput, "corpus": corpus, "crash": crash}[args.mode](args, dovecot)
        finally:
            dovecot.stop()


if __name__ == "__main__":
    main()
