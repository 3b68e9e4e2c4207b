"""The test mail servers behave like the real ones the mail channel talks to."""

from __future__ import annotations

import smtplib

import pytest
from imap_tools import MailBoxUnencrypted
from imap_tools.errors import MailboxLoginError

from kundennah.channels.email.tests.servers import SmtpSink

RAW = (
    b"From: Hans M\xc3\xbcller <hans@example.org>\r\n"
    b"To: service@kundennah.example\r\n"
    b"Subject: =?utf-8?q?Heizung_f=C3=A4llt_aus?=\r\n"
    b"Message-ID: <heizung-1@example.org>\r\n"
    b"Date: Mon, 2 Mar 2026 09:15:00 +0100\r\n"
    b"MIME-Version: 1.0\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b"Guten Tag, seit heute fr\xc3\xbch bleibt die Heizung kalt.\r\n"
)


def test_mail_put_into_a_mailbox_is_listed_and_read_back_unchanged(dovecot, mailbox_user):
    dovecot.append(mailbox_user.name, RAW)

    with MailBoxUnencrypted(dovecot.host, dovecot.port).login(mailbox_user.name, mailbox_user.password) as box:
        fetched = list(box.fetch(mark_seen=False))
    assert len(fetched) == 1
    assert fetched[0].subject == "Heizung fällt aus"
    assert fetched[0].from_ == "hans@example.org"
    assert dovecot.messages(mailbox_user.name) == [RAW]
    assert dovecot.uids(mailbox_user.name) == [fetched[0].uid]


def test_two_customers_mailboxes_do_not_see_each_others_mail(dovecot, mailbox_user):
    dovecot.add_user("nachbar-" + mailbox_user.name, "anderes-passwort")
    dovecot.append(mailbox_user.name, RAW)

    assert dovecot.messages("nachbar-" + mailbox_user.name) == []
    assert len(dovecot.messages(mailbox_user.name)) == 1
    dovecot.clear("nachbar-" + mailbox_user.name)


def test_wrong_password_is_refused_by_the_mail_server(dovecot, mailbox_user):
    with pytest.raises(MailboxLoginError):
        MailBoxUnencrypted(dovecot.host, dovecot.port).login(mailbox_user.name, "falsch")


def test_mails_in_other_folders_are_kept_apart_and_all_cleared(dovecot, mailbox_user):
    dovecot.create_folder(mailbox_user.name, "Erledigt")
    dovecot.append(mailbox_user.name, RAW)
    dovecot.append(mailbox_user.name, RAW, folder="Erledigt")
    dovecot.append(mailbox_user.name, RAW, folder="Erledigt")

    assert len(dovecot.uids(mailbox_user.name)) == 1
    assert len(dovecot.uids(mailbox_user.name, folder="Erledigt")) == 2

    dovecot.clear(mailbox_user.name)
    assert dovecot.uids(mailbox_user.name) == []
    assert dovecot.uids(mailbox_user.name, folder="Erledigt") == []


def test_smtp_sink_keeps_envelope_and_raw_mail(smtp):
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client:
        client.sendmail("bounce@kundennah.example", ["hans@example.org"], RAW)

    assert smtp.messages == [("bounce@kundennah.example", ["hans@example.org"], RAW)]


def test_smtp_sink_refuses_as_told(smtp):
    smtp.reject_with = (451, "4.3.0 Try again later")
    with smtplib.SMTP(smtp.host, smtp.port, timeout=10) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail("bounce@kundennah.example", ["hans@example.org"], RAW)

    assert refused.value.smtp_code == 451
    assert smtp.messages == []


def test_smtp_sink_with_login_wants_the_right_password():
    with SmtpSink(username="versand", password="geheim") as sink:
        with smtplib.SMTP(sink.host, sink.port, timeout=10) as client:
            with pytest.raises(smtplib.SMTPAuthenticationError):
                client.login("versand", "falsch")
            client.login("versand", "geheim")
            client.sendmail("service@kundennah.example", ["hans@example.org"], RAW)

        assert sink.logins == ["versand"]
        assert len(sink.messages) == 1
