"""``kundennah mailbox``: set up the mailboxes customers write to.

``kundennah mailbox add --name Service --imap-host imap.example.org --imap-port 993
--username service@example.org --password-env SERVICE_MAIL_PASSWORD --folder INBOX --security ssl
--smtp-host smtp.example.org --smtp-port 465 --smtp-security ssl --from-address service@example.org``

The password is never given on the command line: ``--password-env`` names the environment
variable the workers read it from.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kundennah.channels.email.models import Mailbox, Security
from kundennah.channels.email.services import MailboxInput, mailbox_add
from kundennah.core.errors import DomainValidationError

OPTIONS = {  # option -> field of MailboxInput
    "imap_host": "imap_host", "imap_port": "imap_port", "username": "username", "password_env": "password_env",
    "folder": "folder", "security": "imap_security", "smtp_host": "smtp_host", "smtp_port": "smtp_port",
    "smtp_security": "smtp_security", "from_address": "from_address",
}


class Command(BaseCommand):
    help = "Add and list the mailboxes Kundennah reads (IMAP) and answers from (SMTP)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="{add,list}")
        actions.required = True
        add: ArgumentParser = actions.add_parser("add", help="Add a mailbox.")
        add.add_argument("--name", required=True)
        add.add_argument("--imap-host", required=True)
        add.add_argument("--imap-port", type=int, default=993)
        add.add_argument("--username", required=True)
        add.add_argument("--password-env", required=True, metavar="VAR",
                         help="Environment variable that holds the password.")
        add.add_argument("--folder", default="INBOX")
        add.add_argument("--done-folder", default="",
                         help="Move processed mails here (default: delete them from the server).")
        add.add_argument("--security", choices=Security.values, default=Security.SSL, help="IMAP connection security.")
        add.add_argument("--smtp-host", required=True)
        add.add_argument("--smtp-port", type=int, default=465)
        add.add_argument("--smtp-security", choices=Security.values, default=Security.SSL)
        add.add_argument("--smtp-username", default="", help="Default: the IMAP user name.")
        add.add_argument("--smtp-password-env", default="", metavar="VAR", help="Default: --password-env.")
        add.add_argument("--from-address", required=True)
        add.add_argument("--from-name", default="")
        add.add_argument("--team", default="", help="Team that new concerns from this mailbox go to.")
        add.add_argument("--poll-interval", type=int, default=60, metavar="SECONDS")
        actions.add_parser("list", help="List the mailboxes with their state.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for mailbox in Mailbox.objects.select_related("team").order_by("name"):
                state = "active" if mailbox.active else "inactive"
                error = f"  last error: {mailbox.last_error}" if mailbox.last_error else ""
                self.stdout.write(
                    f"{mailbox.name}\t{mailbox.from_address}\t{mailbox.username}@{mailbox.imap_host}:"
                    f"{mailbox.imap_port}/{mailbox.folder}\tteam={mailbox.team.name if mailbox.team else '-'}\t"
                    f"{state}\tpolled={mailbox.last_polled_at or '-'}{error}")
            return
        data = MailboxInput(
            name=options["name"], done_folder=options["done_folder"], from_name=options["from_name"],
            team=options["team"], poll_interval=options["poll_interval"], smtp_username=options["smtp_username"],
            smtp_password_env=options["smtp_password_env"],
            **{field: options[option] for option, field in OPTIONS.items()},
        )
        try:
            mailbox = mailbox_add(data=data)
        except DomainValidationError as exc:
            problems = "; ".join(f"--{e.field.replace('_', '-')}: {e.message}" for e in exc.errors)
            raise CommandError(problems) from None
        self.stdout.write(f"Mailbox {mailbox.name} added ({mailbox.from_address}).")
