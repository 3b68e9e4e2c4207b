"""Against a real Dovecot and a real SMTP server: mail in, answer out, nothing lost, nothing twice."""

from __future__ import annotations

import email
import os
from collections.abc import Iterator
from email import policy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kundennah.channels.email.fetching import mailbox_poll, mailboxes_poll_due
from kundennah.channels.email.intake import mail_take_in
from kundennah.channels.email.models import InboundMail, Mailbox, OutboundMail
from kundennah.channels.email.outbox import outbox_send_due
from kundennah.channels.email.tests.servers import SmtpSink
from kundennah.channels.email.tests.test_intake import raw_mail
from kundennah.service.models import Concern, Message
from kundennah.service.services import message_add

pytestmark = pytest.mark.django_db

PASSWORD_ENV = "KN_TEST_IMAP_PASSWORD"


@pytest.fixture
def smtp(mailbox_user) -> Iterator[SmtpSink]:
    """An SMTP server that wants the mailbox's login, as a provider's does."""
    sink = SmtpSink(username=mailbox_user.name, password=mailbox_user.password)
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def mailbox(team, dovecot, mailbox_user, smtp, monkeypatch) -> Mailbox:
    monkeypatch.setenv(PASSWORD_ENV, mailbox_user.password)
    return Mailbox.objects.create(
        name="Service", team=team, imap_host=dovecot.host, imap_port=dovecot.port, imap_security="none",
        username=mailbox_user.name, password_env=PASSWORD_ENV, smtp_host=smtp.host, smtp_port=smtp.port,
        smtp_security="none", from_address="service@kundennah.example.org", from_name="Kundennah Service",
    )


def test_polling_takes_every_mail_in_and_empties_the_folder(mailbox, dovecot, mailbox_user):
    for n in range(3):
        dovecot.append(mailbox_user.name, raw_mail(message_id=f"<poll{n}@example.org>", subject=f"Frage {n}"))
    report = mailbox_poll(mailbox)
    assert report.error == "" and report.fetched == 3
    assert Concern.objects.filter(channel="email").count() == 3
    assert dovecot.uids(mailbox_user.name) == []
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity and mailbox.last_polled_at and not mailbox.last_error


def test_processed_mail_moves_to_the_done_folder_when_one_is_set(mailbox, dovecot, mailbox_user):
    dovecot.create_folder(mailbox_user.name, "Verarbeitet")
    mailbox.done_folder = "Verarbeitet"
    mailbox.save()
    dovecot.append(mailbox_user.name, raw_mail())
    mailbox_poll(mailbox)
    assert dovecot.uids(mailbox_user.name) == []
    assert len(dovecot.uids(mailbox_user.name, "Verarbeitet")) == 1


def test_a_mail_stored_before_a_crash_is_not_stored_again_when_fetched_again(mailbox, dovecot, mailbox_user):
    dovecot.append(mailbox_user.name, raw_mail())
    [uid] = dovecot.uids(mailbox_user.name)
    # The crash: the mail was committed, but the worker died before removing it from the server.
    raw = dovecot.messages(mailbox_user.name)[0]
    from kundennah.channels.email.fetching import _uidvalidity, imap_connect

    with imap_connect(mailbox) as client:
        uidvalidity = _uidvalidity(client, mailbox.folder)
    mail_take_in(mailbox=mailbox, raw=raw, uid=int(uid), uidvalidity=uidvalidity)
    report = mailbox_poll(mailbox)
    assert report.fetched == 1
    assert InboundMail.objects.count() == 1 and Message.objects.count() == 1
    assert dovecot.uids(mailbox_user.name) == []


def test_an_unreadable_mail_does_not_hold_up_the_ones_behind_it(mailbox, dovecot, mailbox_user):
    dovecot.append(mailbox_user.name, raw_mail(message_id="<before@example.org>"))
    dovecot.append(mailbox_user.name, b"Subject: nothing else\r\n\r\n\x00\x01\x02")
    dovecot.append(mailbox_user.name, raw_mail(message_id="<after@example.org>", subject="Danach"))
    mailbox_poll(mailbox)
    statuses = sorted(InboundMail.objects.values_list("status", flat=True))
    assert statuses == ["malformed", "processed", "processed"]
    assert dovecot.uids(mailbox_user.name) == []


def test_a_wrong_password_is_shown_on_the_mailbox_and_leaves_the_mail_on_the_server(
        mailbox, dovecot, mailbox_user, monkeypatch):
    dovecot.append(mailbox_user.name, raw_mail())
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    report = mailbox_poll(mailbox)
    assert report.error
    mailbox.refresh_from_db()
    assert mailbox.last_error and mailbox.last_error_at
    assert len(dovecot.uids(mailbox_user.name)) == 1
    assert not Concern.objects.exists()


def test_the_periodic_job_polls_only_mailboxes_whose_interval_has_passed(mailbox, dovecot, mailbox_user):
    dovecot.append(mailbox_user.name, raw_mail())
    assert len(mailboxes_poll_due()) == 1
    dovecot.append(mailbox_user.name, raw_mail(message_id="<second@example.org>"))
    assert mailboxes_poll_due() == []  # polled a moment ago; the interval is a minute
    assert len(dovecot.uids(mailbox_user.name)) == 1


def test_the_acknowledgement_and_a_reply_arrive_by_smtp_in_the_customers_thread(mailbox, dovecot, mailbox_user,
                                                                                 smtp, agent):
    dovecot.append(mailbox_user.name, raw_mail(message_id="<erika-1@example.org>"))
    mailbox_poll(mailbox)
    concern = Concern.objects.get()
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir haben die doppelte Abbuchung erstattet.",
                actor=agent)
    counts = outbox_send_due()
    assert counts["sent"] == 2
    received = [email.message_from_bytes(raw, policy=policy.default) for _from, _to, raw in smtp.messages]
    ack, reply = received
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == "<erika-1@example.org>"
    assert reply["In-Reply-To"] == "<erika-1@example.org>"
    assert "<erika-1@example.org>" in reply["References"] and ack["Message-ID"] in reply["References"]
    assert reply["From"].addresses[0].addr_spec == "service@kundennah.example.org"
    assert reply["Reply-To"].addresses[0].addr_spec.startswith(f"service+{concern.pk}-")
    assert concern.reference in reply["Subject"]
    assert "erstattet" in reply.get_body(("plain",)).get_content()
    # The customer answers the reply: it joins the same concern.
    answer = raw_mail(message_id="<erika-2@example.org>", in_reply_to=reply["Message-ID"], subject="Danke")
    dovecot.append(mailbox_user.name, answer)
    mailbox_poll(mailbox)
    assert Concern.objects.count() == 1 and concern.messages.filter(kind="inbound").count() == 2


def test_a_temporary_smtp_failure_is_retried_and_a_permanent_one_shows_on_the_concern(mailbox, smtp, agent):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=None).concern
    smtp.reject_with = (451, "4.3.0 Try again later")
    assert outbox_send_due()["retry"] == 1
    ack = OutboundMail.objects.get(concern=concern)
    assert ack.status == OutboundMail.Status.QUEUED and ack.attempts == 1 and "451" in ack.last_error
    smtp.reject_with = (550, "5.1.1 No such user")
    OutboundMail.objects.filter(pk=ack.pk).update(next_attempt_at=ack.created_at)
    assert outbox_send_due()["failed"] == 1
    ack.refresh_from_db()
    assert ack.status == OutboundMail.Status.FAILED and "550" in ack.last_error
    assert smtp.messages == []
    assert smtp.logins  # it did log in, and was refused the mail


def test_mailbox_command_names_the_wrong_option_and_adds_a_good_mailbox(team):
    with pytest.raises(CommandError, match="--imap-port"):
        call_command("mailbox", "add", "--name", "Rechnung", "--imap-host", "imap.example.org", "--imap-port", "0",
                     "--username", "rechnung", "--password-env", "RECHNUNG_PW", "--smtp-host", "smtp.example.org",
                     "--from-address", "rechnung@example.org")
    with pytest.raises(CommandError, match="--password-env"):
        call_command("mailbox", "add", "--name", "Rechnung", "--imap-host", "imap.example.org",
                     "--username", "rechnung", "--password-env", "geheim 123!", "--smtp-host", "smtp.example.org",
                     "--from-address", "rechnung@example.org")
    assert not Mailbox.objects.exists()
    out = StringIO()
    call_command("mailbox", "add", "--name", "Rechnung", "--imap-host", "imap.example.org", "--imap-port", "993",
                 "--username", "rechnung", "--password-env", "RECHNUNG_PW", "--folder", "INBOX", "--security", "ssl",
                 "--smtp-host", "smtp.example.org", "--smtp-port", "465", "--smtp-security", "ssl",
                 "--from-address", "rechnung@example.org", "--team", team.name, stdout=out)
    mailbox = Mailbox.objects.get()
    assert mailbox.team == team and mailbox.password_env == "RECHNUNG_PW"
    assert "RECHNUNG_PW" not in os.environ.get("RECHNUNG_PW", "")
    listing = StringIO()
    call_command("mailbox", "list", stdout=listing)
    assert "Rechnung" in listing.getvalue()


def test_mail_poll_command_reads_the_named_mailbox(mailbox, dovecot, mailbox_user):
    dovecot.append(mailbox_user.name, raw_mail())
    out = StringIO()
    call_command("mail", "poll", "--mailbox", "Service", stdout=out)
    assert "1 fetched" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("mail", "poll", "--mailbox", "Gibt es nicht")
