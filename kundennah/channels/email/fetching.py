"""Reading a mailbox by IMAP: every mail in the folder is taken in, then moved or deleted.

A mail leaves the server only after what it became is committed, in batches: a crash before
that leaves it on the server, the next poll fetches it again and ``mail_take_in`` recognises
it by (mailbox, UIDVALIDITY, UID). Mails are fetched one at a time, so memory stays bounded
whatever the size of the folder. One mail that cannot be read is kept raw and the poll goes on.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

from kundennah.channels.email.intake import mail_keep_unprocessed, mail_take_in
from kundennah.channels.email.models import InboundMail, Mailbox, Security

logger = logging.getLogger(__name__)

# Mails removed from the server in one go once they are committed.
REMOVE_BATCH = 25
LOCK_SECONDS = 120
TIMEOUT = 30


@dataclass
class PollReport:
    mailbox: str
    fetched: int = 0
    taken_in: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    error: str = ""


class MailboxBusy(Exception):
    """Another worker is polling this mailbox right now."""


@contextmanager
def imap_connect(mailbox: Mailbox) -> Iterator[Any]:
    """A logged-in imap-tools mailbox with the mailbox's folder selected."""
    kinds: dict[str, Any] = {Security.SSL: MailBox, Security.STARTTLS: MailBoxStartTls,
                             Security.NONE: MailBoxUnencrypted}
    client = kinds[mailbox.imap_security](mailbox.imap_host, mailbox.imap_port, timeout=TIMEOUT)
    client.login(mailbox.username, mailbox.imap_password, initial_folder=mailbox.folder)
    try:
        yield client
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone; nothing to keep
            logger.debug("IMAP logout failed", exc_info=True)


def _uidvalidity(client: Any, folder: str) -> int:
    status = client.folder.status(folder, ["UIDVALIDITY"])
    return int(status["UIDVALIDITY"])


def _fetch_raw(client: Any, uid: str) -> bytes | None:
    # BODY.PEEK[] keeps \\Seen untouched and gives the bytes exactly as stored.
    typ, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
    if typ != "OK":
        return None
    for part in data:
        if isinstance(part, tuple) and len(part) == 2:
            return bytes(part[1])
    return None


def _remove(client: Any, mailbox: Mailbox, uids: list[str]) -> None:
    if not uids:
        return
    if mailbox.done_folder:
        client.move(uids, mailbox.done_folder)
    else:
        client.delete(uids)


def mailbox_poll(mailbox: Mailbox, *, limit: int | None = None, base_url: str = "", exclusive: bool = False
                 ) -> PollReport:
    """Take in what is in the mailbox's folder now (at most ``limit`` mails).

    Two polls of one mailbox at once are safe (the database takes each mail once), only
    wasteful: the periodic job asks for ``exclusive`` and skips a mailbox another worker is
    reading. That mark expires after ``LOCK_SECONDS`` without progress, so a worker that was
    killed does not keep the mailbox locked.
    """
    lock = f"mail-poll:{mailbox.pk}"
    if exclusive and not cache.add(lock, timezone.now().isoformat(), timeout=LOCK_SECONDS):
        raise MailboxBusy(mailbox.name)
    report = PollReport(mailbox=mailbox.name)
    try:
        with imap_connect(mailbox) as client:
            uidvalidity = _uidvalidity(client, mailbox.folder)
            if mailbox.uidvalidity != uidvalidity:
                mailbox.uidvalidity = uidvalidity
                mailbox.save(update_fields=["uidvalidity"])
            pending: list[str] = []
            uids = client.uids()
            for uid in uids[:limit] if limit else uids:
                raw = _fetch_raw(client, uid)
                if raw is None:
                    continue  # expunged by someone else meanwhile
                report.fetched += 1
                inbound = _take_in_one(mailbox, raw, uid=int(uid), uidvalidity=uidvalidity, base_url=base_url)
                report.statuses[inbound.status] = report.statuses.get(inbound.status, 0) + 1
                report.taken_in += 1
                pending.append(uid)
                if len(pending) >= REMOVE_BATCH:
                    _remove(client, mailbox, pending)
                    pending = []
                    if exclusive:
                        cache.touch(lock, LOCK_SECONDS)
            _remove(client, mailbox, pending)
        mailbox.last_polled_at = timezone.now()
        mailbox.last_error = ""
        mailbox.save(update_fields=["last_polled_at", "last_error"])
    except MailboxBusy:
        raise
    except Exception as exc:
        # The server or the connection failed: nothing is lost (mails stay on the server); the
        # admin sees why on the mailbox.
        logger.warning("polling mailbox %s failed: %s", mailbox.name, exc)
        report.error = f"{type(exc).__name__}: {exc}"[:2000]
        mailbox.last_polled_at = timezone.now()
        mailbox.last_error = report.error
        mailbox.last_error_at = timezone.now()
        mailbox.save(update_fields=["last_polled_at", "last_error", "last_error_at"])
    finally:
        if exclusive:
            cache.delete(lock)
    return report


def _take_in_one(mailbox: Mailbox, raw: bytes, *, uid: int, uidvalidity: int, base_url: str) -> InboundMail:
    try:
        return mail_take_in(mailbox=mailbox, raw=raw, uid=uid, uidvalidity=uidvalidity, base_url=base_url)
    except Exception as exc:
        # A mail that trips over a fault of ours must not hold up the ones behind it: it is
        # kept raw with the reason for an admin to look at and take in again.
        logger.exception("mail uid %s in %s could not be taken in", uid, mailbox.name)
        digest = hashlib.sha256(raw).hexdigest()
        return mail_keep_unprocessed(mailbox=mailbox, raw=raw, digest=digest, uid=uid, uidvalidity=uidvalidity,
                                     reason=f"{type(exc).__name__}: {exc}")


def mailboxes_poll_due(*, now: Any = None) -> list[PollReport]:
    """Poll every active mailbox whose interval has passed (the periodic job)."""
    now = now or timezone.now()
    reports = []
    for mailbox in Mailbox.objects.filter(active=True).order_by("id"):
        if not mailbox.due_for_poll(now):
            continue
        try:
            reports.append(mailbox_poll(mailbox, exclusive=True))
        except MailboxBusy:
            continue
    return reports
