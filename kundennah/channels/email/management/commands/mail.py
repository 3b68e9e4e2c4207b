"""``kundennah mail poll [--mailbox NAME]``: read the mailboxes now instead of waiting for the job;
``kundennah mail send``: send what waits in the mail outbox."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kundennah.channels.email.fetching import mailbox_poll
from kundennah.channels.email.models import Mailbox
from kundennah.channels.email.outbox import outbox_send_due


class Command(BaseCommand):
    help = "Poll mailboxes now, or send the mail outbox."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{poll,send}")
        actions.required = True
        poll = actions.add_parser("poll", help="Take in the mail waiting in the mailboxes.")
        poll.add_argument("--mailbox", default=None, metavar="NAME", help="Only this mailbox.")
        poll.add_argument("--limit", type=int, default=None, help="At most this many mails per mailbox.")
        actions.add_parser("send", help="Send the mails that are due in the outbox.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "send":
            counts = outbox_send_due(limit=10_000)
            self.stdout.write(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")
            return
        mailboxes = Mailbox.objects.filter(active=True).order_by("name")
        if options["mailbox"]:
            mailboxes = mailboxes.filter(name=options["mailbox"])
            if not mailboxes.exists():
                raise CommandError(f"There is no active mailbox named {options['mailbox']!r}.")
        failed = False
        for mailbox in mailboxes:
            # Not exclusive: a poll by hand runs even while the worker reads the same mailbox
            # (each mail is still taken in once).
            report = mailbox_poll(mailbox, limit=options["limit"])
            statuses = ", ".join(f"{status} {count}" for status, count in sorted(report.statuses.items()))
            self.stdout.write(f"{mailbox.name}: {report.fetched} fetched{': ' + statuses if statuses else ''}")
            if report.error:
                failed = True
                self.stderr.write(f"{mailbox.name}: {report.error}")
        if failed:
            raise CommandError("Some mailboxes could not be read (see above); their mails stay on the server.")
