"""Who may see and do what around mail: the rightful agent, another team, a customer, nobody, admins."""

from __future__ import annotations

import pytest

from conftest import client_for
from kundennah.channels.email.intake import mail_take_in
from kundennah.channels.email.models import InboundMail, Mailbox, OutboundMail
from kundennah.channels.email.tests.test_intake import mailbox as mailbox
from kundennah.channels.email.tests.test_intake import raw_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_mail(mailbox) -> OutboundMail:
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=1).concern
    outbound = OutboundMail.objects.get(concern=concern)
    OutboundMail.objects.filter(pk=outbound.pk).update(status=OutboundMail.Status.FAILED, last_error="550")
    return outbound


@pytest.fixture
def html_mail(mailbox) -> InboundMail:
    raw = raw_mail(message_id="<perm@example.org>").replace(
        b"Content-Type: text/plain", b"Content-Type: text/html", 1)
    return mail_take_in(mailbox=mailbox, raw=raw, uid=2, uidvalidity=1)


def test_only_agents_who_may_see_the_concern_see_a_mails_html(html_mail, agent, other_team_agent, customer_contact,
                                                             admin_user):
    url = f"/service/mail/html/{html_mail.pk}/"
    assert client_for(None).get(url).status_code == 302
    assert client_for(customer_contact).get(url).status_code in {302, 403}
    assert client_for(other_team_agent).get(url).status_code == 404
    assert client_for(agent).get(url).status_code == 200
    assert client_for(admin_user).get(url).status_code == 200


def test_only_agents_who_may_see_the_concern_send_a_failed_mail_again(failed_mail, agent, other_team_agent,
                                                                     customer_contact):
    url = f"/service/mail/outbound/{failed_mail.pk}/send-again/"
    assert client_for(None).post(url).status_code == 302
    assert client_for(customer_contact).post(url).status_code in {302, 403}
    assert client_for(other_team_agent).post(url).status_code == 404
    assert client_for(agent).get(url).status_code == 405
    failed_mail.refresh_from_db()
    assert failed_mail.status == OutboundMail.Status.FAILED
    response = client_for(agent).post(url)
    assert response.status_code == 302
    failed_mail.refresh_from_db()
    assert failed_mail.status in {OutboundMail.Status.QUEUED, OutboundMail.Status.SENT, OutboundMail.Status.FAILED}
    assert failed_mail.attempts <= 1


def test_mailboxes_and_raw_mail_are_for_admins_only(mailbox, html_mail, team_lead, agent, admin_user):
    for user in (agent, team_lead, admin_user):  # all may enter the admin site; the rules decide the rest
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    for user in (agent, team_lead):
        assert client_for(user).get("/admin/mail/mailbox/").status_code == 403
        assert client_for(user).get(f"/admin/mail/inboundmail/{html_mail.pk}/raw/").status_code in {302, 403}
    admin = client_for(admin_user)
    assert admin.get("/admin/mail/mailbox/").status_code == 200
    raw = admin.get(f"/admin/mail/inboundmail/{html_mail.pk}/raw/")
    assert raw.status_code == 200 and raw["Content-Disposition"].startswith("attachment")
    assert b"perm@example.org" in b"".join(raw.streaming_content)
    assert Mailbox.objects.count() == 1
