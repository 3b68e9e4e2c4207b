"""Background jobs of the email channel (huey). Thin: call the fetching and outbox services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kundennah.channels.email.fetching import mailbox_poll, mailboxes_poll_due
from kundennah.channels.email.models import Mailbox
from kundennah.channels.email.outbox import outbox_send_due


@db_periodic_task(crontab(minute="*"))
def mail_poll_task() -> None:
    """Every minute: read the mailboxes whose poll interval has passed."""
    mailboxes_poll_due()


@db_task()
def mailbox_poll_task(mailbox_id: int) -> None:
    mailbox = Mailbox.objects.filter(pk=mailbox_id, active=True).first()
    if mailbox is not None:
        mailbox_poll(mailbox)


@db_task()
def outbox_send_task() -> None:
    """Send the mails that are due now (started right after a reply is committed)."""
    outbox_send_due()


@db_periodic_task(crontab(minute="*"))
def outbox_periodic_task() -> None:
    """Every minute: retries, and anything a worker that died left behind."""
    outbox_send_due()
