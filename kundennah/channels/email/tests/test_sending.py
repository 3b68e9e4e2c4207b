"""Replies leave by SMTP with the headers mail clients thread on, and a failure says whether to try again."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from kundennah.channels.email.sending import SendError, SmtpSettings, message_id_new, reply_message, smtp_send
from kundennah.channels.email.tests.servers import SmtpSink, free_port


def _reply(**changes):
    fields = {
        "from_address": "service@kundennah.example", "from_name": "Kundenservice Müller & Söhne",
        "to": "hans@example.org", "subject": "Re: Heizung fällt aus [K-2026-0042]",
        "text": "Guten Tag Herr Müller,\n\nder Techniker kommt morgen früh.\n",
        "html": "<p>Guten Tag Herr Müller,</p><p>der Techniker kommt morgen früh.</p>",
        "message_id": "antwort-1@kundennah.example", "in_reply_to": "heizung-1@example.org",
        "references": ["start-0@example.org", "heizung-1@example.org"],
        "reply_to": "antwort+42@kundennah.example",
    }
    fields.update(changes)
    return reply_message(**fields)


def _settings(sink, **changes):
    fields = {"host": sink.host, "port": sink.port, "security": "none", "timeout": 10.0}
    fields.update(changes)
    return SmtpSettings(**fields)


def _received(sink):
    assert len(sink.messages) == 1
    mail_from, rcpt_tos, raw = sink.messages[0]
    return mail_from, rcpt_tos, raw, email.message_from_bytes(raw, policy=email.policy.default)


def test_reply_arrives_with_sender_recipient_and_thread_headers(smtp):
    smtp_send(_settings(smtp), _reply())

    mail_from, rcpt_tos, raw, received = _received(smtp)
    assert mail_from == "service@kundennah.example"
    assert rcpt_tos == ["hans@example.org"]
    assert received["From"].addresses[0].display_name == "Kundenservice Müller & Söhne"
    assert received["From"].addresses[0].addr_spec == "service@kundennah.example"
    assert str(received["To"]) == "hans@example.org"
    assert str(received["Reply-To"]) == "antwort+42@kundennah.example"
    assert received["Message-ID"] == "<antwort-1@kundennah.example>"
    assert received["In-Reply-To"] == "<heizung-1@example.org>"
    assert received["References"].split() == ["<start-0@example.org>", "<heizung-1@example.org>"]
    assert received["Date"].datetime is not None
    assert received["Auto-Submitted"] is None
    plain = received.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain == "Guten Tag Herr Müller,\n\nder Techniker kommt morgen früh.\n"
    assert "morgen früh" in received.get_body(("html",)).get_content()
    assert raw.isascii()


def test_umlaut_subject_is_encoded_and_reads_back_unchanged(smtp):
    smtp_send(_settings(smtp), _reply())

    _from, _to, raw, received = _received(smtp)
    assert received["Subject"] == "Re: Heizung fällt aus [K-2026-0042]"
    subject_line = next(line for line in raw.split(b"\r\n") if line.startswith(b"Subject:"))
    assert b"=?utf-8?" in subject_line


def test_reply_delivered_to_a_mailbox_threads_in_an_imap_client(smtp, dovecot, mailbox_user):
    smtp_send(_settings(smtp), _reply())
    dovecot.append(mailbox_user.name, smtp.messages[0][2])

    stored = email.message_from_bytes(dovecot.messages(mailbox_user.name)[0], policy=email.policy.default)
    assert stored["Subject"] == "Re: Heizung fällt aus [K-2026-0042]"
    assert stored["In-Reply-To"] == "<heizung-1@example.org>"


def test_envelope_sender_can_differ_from_the_from_header(smtp):
    smtp_send(_settings(smtp), _reply(), envelope_from="bounces+42@kundennah.example")

    assert smtp.messages[0][0] == "bounces+42@kundennah.example"


def test_references_keep_the_last_twenty_in_order_without_duplicates():
    ids = [f"mail-{number}@example.org" for number in range(30)]
    message = _reply(references=[ids[0], *ids, ids[29]])

    assert message["References"].split() == [f"<{id_}>" for id_ in ids[10:]]
    assert all(len(line) <= 78 for line in message.as_bytes().split(b"\n") if line.startswith((b"References", b" <")))


def test_ids_given_with_angle_brackets_are_not_doubled():
    message = _reply(message_id="<antwort-2@kundennah.example>", in_reply_to="<heizung-1@example.org>",
                     references=["<heizung-1@example.org>"])

    assert message["Message-ID"] == "<antwort-2@kundennah.example>"
    assert message["In-Reply-To"] == "<heizung-1@example.org>"
    assert message["References"] == "<heizung-1@example.org>"


def test_automatic_answers_are_marked_only_when_asked():
    message = _reply(extra_headers={"Auto-Submitted": "auto-replied", "X-Kundennah-Reference": "K-2026-0042"})

    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Kundennah-Reference"] == "K-2026-0042"


def test_attachment_travels_with_its_umlaut_filename(smtp):
    smtp_send(_settings(smtp), _reply(attachments=[("Rechnung März.pdf", "application/pdf", b"%PDF-1.4 test")]))

    _from, _to, _raw, received = _received(smtp)
    attachment = next(received.iter_attachments())
    assert attachment.get_filename() == "Rechnung März.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


@pytest.mark.parametrize("changes", [
    {"subject": "Re: Heizung\r\nBcc: alle@example.org"},
    {"subject": "Re: Heizung\nBcc: alle@example.org"},
    {"subject": "Re: Heizung\x00"},
    {"to": "hans@example.org\r\nBcc: alle@example.org"},
    {"to": "hans@example.org, alle@example.org"},
    {"to": "Hans <hans@example.org>, alle@example.org"},
    {"to": "kein-at-zeichen"},
    {"to": ""},
    {"from_name": "Kundenservice\r\nBcc: alle@example.org"},
    {"from_address": "service@kundennah.example\nBcc: alle@example.org"},
    {"reply_to": "antwort@kundennah.example, alle@example.org"},
    {"in_reply_to": "heizung-1@example.org>\r\nBcc: alle@example.org"},
    {"references": ["heizung-1@example.org\r\nBcc: alle@example.org"]},
    {"message_id": "antwort 1@kundennah.example"},
    {"extra_headers": {"X-Kundennah-Reference": "K-1\r\nBcc: alle@example.org"}},
    {"extra_headers": {"Bcc": "alle@example.org"}},
    {"extra_headers": {"X-Zwei\r\nBcc": "alle@example.org"}},
    {"attachments": [("rechnung.pdf\r\nBcc: alle@example.org", "application/pdf", b"%PDF")]},
], ids=lambda changes: next(iter(changes)))
def test_header_injection_is_refused_and_nothing_is_sent(smtp, changes):
    with pytest.raises(ValueError):
        smtp_send(_settings(smtp), _reply(**changes))

    assert smtp.messages == []


def test_malformed_reference_from_a_customer_mail_is_left_out():
    message = _reply(references=["kaputt ohne klammer", "heizung-1@example.org"])

    assert message["References"] == "<heizung-1@example.org>"


def test_new_message_ids_are_unique_and_without_angle_brackets():
    first, second = message_id_new("kundennah.example"), message_id_new("kundennah.example")

    assert first != second
    assert first.endswith("@kundennah.example")
    assert "<" not in first and ">" not in first


def test_server_busy_at_data_is_a_temporary_failure(smtp):
    smtp.reject_with = (451, "4.3.0 Mail server temporarily busy")

    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp), _reply())

    assert failure.value.temporary is True
    assert "451" in failure.value.detail
    assert smtp.messages == []


def test_unknown_recipient_is_a_permanent_failure(smtp):
    smtp.reject_with, smtp.reject_at = (550, "5.1.1 User unknown"), "rcpt"

    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp), _reply())

    assert failure.value.temporary is False
    assert "550" in failure.value.detail


def test_greylisted_recipient_is_a_temporary_failure(smtp):
    smtp.reject_with, smtp.reject_at = (451, "4.7.1 Greylisted, try again later"), "rcpt"

    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp), _reply())

    assert failure.value.temporary is True


def test_rejected_message_content_is_a_permanent_failure(smtp):
    smtp.reject_with = (554, "5.7.1 Message refused")

    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp), _reply())

    assert failure.value.temporary is False


def test_closed_port_is_a_temporary_failure():
    with pytest.raises(SendError) as failure:
        smtp_send(SmtpSettings(host="127.0.0.1", port=free_port(), security="none", timeout=5), _reply())

    assert failure.value.temporary is True
    assert "refused the connection" in failure.value.detail


def test_server_that_never_greets_is_a_temporary_failure():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings = SmtpSettings(host="127.0.0.1", port=silent.getsockname()[1], security="none", timeout=0.5)
        with pytest.raises(SendError) as failure:
            smtp_send(settings, _reply())

    assert failure.value.temporary is True


def test_tls_against_a_plain_server_is_a_permanent_failure(smtp):
    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp, security="ssl", timeout=5), _reply())

    assert failure.value.temporary is False


def test_starttls_where_the_server_offers_none_is_a_permanent_failure(smtp):
    with pytest.raises(SendError) as failure:
        smtp_send(_settings(smtp, security="starttls"), _reply())

    assert failure.value.temporary is False
    assert smtp.messages == []


def test_login_with_the_right_password_sends_the_mail():
    with SmtpSink(username="versand@kundennah.example", password="Geheim-123") as sink:
        smtp_send(_settings(sink, username="versand@kundennah.example", password="Geheim-123"), _reply())

        assert sink.logins == ["versand@kundennah.example"]
        assert len(sink.messages) == 1


def test_wrong_password_is_a_permanent_failure():
    with SmtpSink(username="versand@kundennah.example", password="Geheim-123") as sink:
        with pytest.raises(SendError) as failure:
            smtp_send(_settings(sink, username="versand@kundennah.example", password="falsch"), _reply())

        assert failure.value.temporary is False
        assert "login" in failure.value.detail
        assert sink.messages == []


def test_sending_without_login_where_the_server_requires_one_is_a_permanent_failure():
    with SmtpSink(username="versand@kundennah.example", password="Geheim-123") as sink:
        with pytest.raises(SendError) as failure:
            smtp_send(_settings(sink), _reply())

        assert failure.value.temporary is False
        assert sink.messages == []
