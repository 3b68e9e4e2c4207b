"""Mail servers for the mail channel's tests: one Dovecot and one SMTP sink per test process
(each xdist worker has its own, on its own ports), a fresh mailbox user for every test."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import NamedTuple

import pytest

from kundennah.channels.email.tests.servers import DovecotServer, SmtpSink, require_mail_servers


class MailboxUser(NamedTuple):
    name: str
    password: str


@pytest.fixture(scope="session")
def dovecot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    require_mail_servers()
    server = DovecotServer(tmp_path_factory.mktemp("dovecot"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox_user(dovecot: DovecotServer) -> Iterator[MailboxUser]:
    """A user of its own on the session's Dovecot; its mails are gone after the test."""
    user = MailboxUser(name=f"kunde-{secrets.token_hex(6)}", password=secrets.token_urlsafe(12))
    dovecot.add_user(user.name, user.password)
    yield user
    dovecot.clear(user.name)


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp(smtp_sink: SmtpSink) -> Iterator[SmtpSink]:
    """The session's SMTP sink, empty and accepting at the start of the test."""
    smtp_sink.clear()
    yield smtp_sink
    smtp_sink.clear()
