"""In a real browser: a customer's mail arrives by IMAP, an agent answers it on the concern page,
and the answer reaches the SMTP server in the customer's thread."""

from __future__ import annotations

import email
from collections.abc import Iterator
from email import policy

import pytest

from conftest import login
from kundennah.channels.email.fetching import mailbox_poll
from kundennah.channels.email.models import Mailbox
from kundennah.channels.email.tests.servers import SmtpSink
from kundennah.channels.email.tests.test_intake import raw_mail
from kundennah.service.models import Concern

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD_ENV = "KN_TEST_BROWSER_MAIL_PASSWORD"


@pytest.fixture
def smtp(mailbox_user) -> Iterator[SmtpSink]:
    sink = SmtpSink(username=mailbox_user.name, password=mailbox_user.password)
    sink.start()
    yield sink
    sink.stop()


def test_agent_answers_a_mail_and_the_reply_arrives_with_threading_headers(
        page, agent, team, dovecot, mailbox_user, smtp, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, mailbox_user.password)
    mailbox = Mailbox.objects.create(
        name="Service", team=team, imap_host=dovecot.host, imap_port=dovecot.port, imap_security="none",
        username=mailbox_user.name, password_env=PASSWORD_ENV, smtp_host=smtp.host, smtp_port=smtp.port,
        smtp_security="none", from_address="service@kundennah.example.org", from_name="Kundennah Service",
    )
    dovecot.append(mailbox_user.name, raw_mail(
        message_id="<erika-browser@example.org>", subject="Zählerstand übermitteln",
        body="Guten Tag,\nmein Zählerstand ist 4711.\n\n"
             "Am 20.11.2026 um 09:00 schrieb Kundennah:\n> Bitte melden Sie Ihren Zählerstand.",
    ))
    mailbox_poll(mailbox)
    concern = Concern.objects.get()
    assert len(smtp.messages) == 1  # the acknowledgement, sent after the intake was committed

    login(page, "anna_agent")
    page.goto(f"/service/concerns/{concern.pk}/")
    assert "mein Zählerstand ist 4711" in page.inner_text("#concern-main")
    assert page.is_hidden("text=Bitte melden Sie Ihren")  # the quoted history is folded away
    page.fill("#form-reply textarea[name=body]", "Danke, wir haben den Zählerstand 4711 übernommen.")
    page.click("#form-reply button[type=submit]")
    page.wait_for_selector("text=Danke, wir haben den Zählerstand 4711 übernommen.")

    assert len(smtp.messages) == 2
    _from, recipients, raw = smtp.messages[1]
    reply = email.message_from_bytes(raw, policy=policy.default)
    assert recipients == ["erika.mustermann@example.org"]
    assert reply["In-Reply-To"] == "<erika-browser@example.org>"
    assert "<erika-browser@example.org>" in reply["References"]
    assert concern.reference in reply["Subject"]
    assert "4711 übernommen" in reply.get_body(("plain",)).get_content()
    page.reload()
    assert page.locator(".mail-delivery[data-status=sent]").count() == 1
