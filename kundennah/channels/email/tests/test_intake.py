"""Mail in: one concern per conversation, threaded safely, robots never answered, nothing twice."""

from __future__ import annotations

import time
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.core import mail as django_mail
from django.test import Client
from django.utils import timezone

from kundennah.channels.email.intake import mail_take_in, mail_take_in_again, reply_address
from kundennah.channels.email.models import InboundMail, Mailbox, OutboundMail
from kundennah.channels.email.parsing import MalformedMail
from kundennah.core.models import Event
from kundennah.core.webhooks import secret_new, signature_make
from kundennah.customers.models import ContactPoint
from kundennah.customers.tests import factories as customers
from kundennah.service.models import Concern, Message
from kundennah.service.services import message_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(team) -> Mailbox:
    return Mailbox.objects.create(
        name="Service", team=team, imap_host="127.0.0.1", imap_port=1143, imap_security="none", username="service",
        password_env="KN_TEST_MAIL_PASSWORD", smtp_host="127.0.0.1", smtp_port=1025, smtp_security="none",
        from_address="service@kundennah.example.org", from_name="Kundennah Service",
    )


def raw_mail(*, sender: str = "Erika Mustermann <erika.mustermann@example.org>", subject: str = "Rechnung doppelt",
             body: str = "Guten Tag,\nmeine Rechnung wurde zweimal abgebucht.\nViele Grüße\nErika",
             message_id: str | None = "<m1@example.org>", to: str = "service@kundennah.example.org",
             in_reply_to: str | None = None, references: str | None = None,
             headers: dict[str, str] | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = references
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


def test_a_new_mail_becomes_a_concern_and_the_acknowledgement_answers_it_in_its_thread(mailbox, team):
    inbound = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7)
    assert inbound.status == InboundMail.Status.PROCESSED
    concern = inbound.concern
    assert concern.channel == "email" and concern.team == team
    assert concern.contact_email == "erika.mustermann@example.org"
    assert "zweimal abgebucht" in concern.messages.get().body
    ack = OutboundMail.objects.get(concern=concern, kind=OutboundMail.Kind.ACKNOWLEDGEMENT)
    assert ack.in_reply_to == "m1@example.org"
    assert concern.reference in ack.subject
    assert "spätestens" in ack.text  # the promise, concretely


def test_the_same_mail_fetched_again_after_a_crash_is_stored_once(mailbox):
    first = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7)
    again = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7)
    assert again.pk == first.pk
    # The same mail under a new UID (moved back, UIDVALIDITY reset) is known by its Message-ID.
    twin = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=99, uidvalidity=8)
    assert twin.status == InboundMail.Status.DUPLICATE and twin.concern_id == first.concern_id
    assert Concern.objects.count() == 1 and Message.objects.count() == 1
    assert OutboundMail.objects.count() == 1


def test_a_reply_to_our_mail_joins_its_concern_and_reopens_it(mailbox, agent):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir prüfen das.", actor=agent,
                status_after=Concern.Status.WAITING_CUSTOMER)
    ours = OutboundMail.objects.filter(concern=concern, kind=OutboundMail.Kind.REPLY).get()
    reply = raw_mail(subject="Re: Rechnung doppelt", body="Danke, hier die Kontoauszüge.",
                     message_id="<m2@example.org>", in_reply_to=f"<{ours.header_id}>")
    inbound = mail_take_in(mailbox=mailbox, raw=reply, uid=2, uidvalidity=7)
    assert inbound.concern_id == concern.pk and inbound.threaded_by == "header"
    concern.refresh_from_db()
    assert concern.status == Concern.Status.OPEN
    assert OutboundMail.objects.filter(kind=OutboundMail.Kind.ACKNOWLEDGEMENT).count() == 1


def test_a_reply_to_the_concerns_reply_address_joins_without_any_headers(mailbox):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    address = reply_address(mailbox.from_address, concern.pk)
    inbound = mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<m3@example.org>", to=address,
                                                         subject="Noch etwas"), uid=3, uidvalidity=7)
    assert inbound.concern_id == concern.pk and inbound.threaded_by == "reply-address"


def test_a_guessed_reply_address_does_not_reach_the_concern(mailbox):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    forged = f"service+{concern.pk}-aaaaaaaaaaaaaaaaaaaaaaaa@kundennah.example.org"
    inbound = mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<m4@example.org>", to=forged,
                                                         sender="mallory@evil.example.net"), uid=4, uidvalidity=7)
    assert inbound.concern_id != concern.pk


def test_a_reference_typed_into_the_subject_by_a_stranger_starts_a_new_possibly_related_concern(mailbox, agent):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    stranger = raw_mail(sender="Max Fremd <max@fremd.example.net>", subject=f"Frage zu {concern.reference}",
                        message_id="<m5@fremd.example.net>")
    inbound = mail_take_in(mailbox=mailbox, raw=stranger, uid=5, uidvalidity=7)
    assert inbound.concern_id != concern.pk and inbound.threaded_by == "new"
    assert concern in inbound.concern.related.all()
    assert concern.messages.count() == 1
    client = Client()
    client.force_login(agent)
    page = client.get(f"/service/concerns/{inbound.concern_id}/").content.decode()
    assert "Possibly related" in page or "Möglicherweise zugehörig" in page
    assert concern.reference in page


def test_a_reference_in_the_subject_from_the_customers_own_address_joins(mailbox):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    known = raw_mail(subject=f"Nachtrag {concern.reference}", message_id="<m6@example.org>")
    inbound = mail_take_in(mailbox=mailbox, raw=known, uid=6, uidvalidity=7)
    assert inbound.concern_id == concern.pk and inbound.threaded_by == "subject-reference"


def test_a_verified_address_identifies_the_customer_an_unverified_one_does_not(mailbox):
    verified = customers.person(first_name="Vera", last_name="Verified", emails=["vera@example.org"])
    ContactPoint.objects.filter(customer=verified, kind="email").update(is_verified=True)
    customers.person(first_name="Ulf", last_name="Unverified", emails=["ulf@example.org"])
    one = mail_take_in(mailbox=mailbox, raw=raw_mail(sender="Vera+rechnung@Example.org", message_id="<v@x>"), uid=10,
                       uidvalidity=7)
    two = mail_take_in(mailbox=mailbox, raw=raw_mail(sender="ulf@example.org", message_id="<u@x>"), uid=11,
                       uidvalidity=7)
    assert one.concern.customer == verified
    assert two.concern.customer is None


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"X-Autoreply": "yes"},
    {"Precedence": "bulk"},
    {"List-Id": "<news.example.org>"},
])
def test_robots_get_no_acknowledgement_and_no_concern(mailbox, headers):
    inbound = mail_take_in(mailbox=mailbox, raw=raw_mail(headers=headers), uid=20, uidvalidity=7)
    assert inbound.status == InboundMail.Status.LOOP
    assert not Concern.objects.exists() and not OutboundMail.objects.exists()


def test_an_out_of_office_reply_lands_as_a_note_without_reopening_or_answering(mailbox, agent):
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Erledigt.", actor=agent,
                status_after=Concern.Status.RESOLVED)
    ours = OutboundMail.objects.get(concern=concern, kind=OutboundMail.Kind.REPLY)
    away = raw_mail(subject="Automatische Antwort: Re: Rechnung doppelt", message_id="<ooo@example.org>",
                    in_reply_to=f"<{ours.header_id}>", headers={"Auto-Submitted": "auto-replied"})
    inbound = mail_take_in(mailbox=mailbox, raw=away, uid=21, uidvalidity=7)
    concern.refresh_from_db()
    assert inbound.status == InboundMail.Status.LOOP and inbound.concern_id == concern.pk
    assert concern.status == Concern.Status.RESOLVED
    assert concern.messages.filter(kind=Message.Kind.NOTE).exists()
    assert OutboundMail.objects.count() == 2  # the acknowledgement and the reply, nothing for the robot


def test_a_bounce_marks_the_address_failing_and_the_mail_undelivered(mailbox, agent):
    customer = customers.person(first_name="Erika", last_name="Mustermann", emails=["erika.mustermann@example.org"])
    point = ContactPoint.objects.get(customer=customer, kind="email")
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    ack = OutboundMail.objects.get(concern=concern)
    dsn = (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
        f"To: {mailbox.from_address}\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce1@mx.example.org>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your mail could not be delivered.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.org\r\n\r\n"
        "Final-Recipient: rfc822; erika.mustermann@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: <{ack.header_id}>\r\nSubject: Ihr Anliegen\r\n\r\n"
        "--b1--\r\n"
    ).encode()
    inbound = mail_take_in(mailbox=mailbox, raw=dsn, uid=30, uidvalidity=7)
    assert inbound.status == InboundMail.Status.BOUNCE
    point.refresh_from_db()
    assert point.status == ContactPoint.Status.FAILING
    ack.refresh_from_db()
    assert ack.status == OutboundMail.Status.FAILED


def test_an_unreadable_mail_is_kept_raw_and_the_next_one_is_taken_in(mailbox):
    broken = mail_take_in(mailbox=mailbox, raw=b"\x00\x01 nothing like a mail", uid=40, uidvalidity=7)
    assert broken.status == InboundMail.Status.MALFORMED and broken.reason
    with broken.raw.open("rb") as handle:
        assert handle.read() == b"\x00\x01 nothing like a mail"
    fine = mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<ok@example.org>"), uid=41, uidvalidity=7)
    assert fine.status == InboundMail.Status.PROCESSED
    with pytest.raises(MalformedMail):
        mail_take_in_again(inbound=broken)
    assert InboundMail.objects.filter(pk=broken.pk, status=InboundMail.Status.MALFORMED).exists()


def test_an_agents_reply_goes_out_with_threading_headers_and_the_reply_address(mailbox, agent, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    concern = mail_take_in(mailbox=mailbox, raw=raw_mail(), uid=1, uidvalidity=7).concern
    Mailbox.objects.filter(pk=mailbox.pk).update(active=False)  # answered through Django's mail settings here
    django_mail.outbox.clear()
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir haben die doppelte Abbuchung erstattet.",
                actor=agent)
    reply = OutboundMail.objects.get(concern=concern, kind=OutboundMail.Kind.REPLY)
    assert reply.in_reply_to == "m1@example.org"
    assert "m1@example.org" in reply.references.split()


def test_pushed_mail_is_taken_in_once_and_a_forged_push_is_refused(mailbox):
    mailbox.push_secret = secret_new()
    mailbox.save()
    body = raw_mail(message_id="<push@example.org>")
    stamp = int(time.time())

    def push(secret: str, msg_id: str) -> object:
        return Client().post(f"/hooks/mail/{mailbox.name}/", data=body, content_type="message/rfc822", headers={
            "webhook-id": msg_id, "webhook-timestamp": str(stamp),
            "webhook-signature": signature_make(secret=secret, msg_id=msg_id, timestamp=stamp, body=body)})

    assert push(secret_new(), "p0").status_code == 401
    assert not Concern.objects.exists()
    first = push(mailbox.push_secret, "p1")
    second = push(mailbox.push_secret, "p2")
    assert first.status_code == second.status_code == 202
    assert first.json()["concern"] == second.json()["concern"]
    assert Concern.objects.count() == 1
    assert Client().post("/hooks/mail/nope/", data=body, content_type="message/rfc822").status_code == 404


def test_a_pushed_mail_larger_than_a_form_post_is_taken_in(mailbox, settings):
    mailbox.push_secret = secret_new()
    mailbox.save()
    big = raw_mail(message_id="<big@example.org>", body="Anbei die Unterlagen.\n" + "x" * 76 * 100_000)
    assert len(big) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    stamp = int(time.time())
    response = Client().post(f"/hooks/mail/{mailbox.name}/", data=big, content_type="message/rfc822", headers={
        "webhook-id": "big", "webhook-timestamp": str(stamp),
        "webhook-signature": signature_make(secret=mailbox.push_secret, msg_id="big", timestamp=stamp, body=big)})
    assert response.status_code == 202 and response.json()["status"] == "processed"


def test_html_mail_is_shown_sanitised_isolated_and_only_to_agents_who_may_see_the_concern(
        mailbox, agent, other_team_agent):
    html = EmailMessage()
    html["From"] = "erika@example.org"
    html["To"] = mailbox.from_address
    html["Subject"] = "Bild"
    html["Message-ID"] = "<html@example.org>"
    html.set_content("Text")
    html.add_alternative('<p onclick="steal()">Hallo<script>alert(1)</script>'
                         '<img src="https://tracker.example.net/p.gif"></p>', subtype="html")
    inbound = mail_take_in(mailbox=mailbox, raw=html.as_bytes(), uid=50, uidvalidity=7)
    assert inbound.has_remote_images
    client = Client()
    client.force_login(agent)
    page = client.get(f"/service/mail/html/{inbound.pk}/")
    content = page.content.decode()
    assert page.status_code == 200
    assert "<script" not in content and "onclick" not in content
    assert ' src="https://tracker' not in content and 'data-blocked-src="https://tracker' in content
    assert "sandbox" in page["Content-Security-Policy"]
    with_images = client.get(f"/service/mail/html/{inbound.pk}/?images=1").content.decode()
    assert ' src="https://tracker.example.net/p.gif"' in with_images
    outsider = Client()
    outsider.force_login(other_team_agent)
    assert outsider.get(f"/service/mail/html/{inbound.pk}/").status_code == 404
    assert Client().get(f"/service/mail/html/{inbound.pk}/").status_code == 302
    assert Event.objects.filter(name="concern.created").count() == 1


def test_a_mails_inline_image_shows_in_its_html_without_any_request_leaving(mailbox, agent):
    from kundennah.channels.email.tests.corpus import html_mail

    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
           b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")
    raw = html_mail(subject="Foto vom Zähler", html='<p>Hier das Foto:</p><img src="cid:zaehler@erika">',
                    inline_images=[("zaehler@erika", png, "image/png")], message_id="<inline@example.org>")
    inbound = mail_take_in(mailbox=mailbox, raw=raw, uid=60, uidvalidity=7)
    assert inbound.message.attachments.get().content_id == "zaehler@erika"
    client = Client()
    client.force_login(agent)
    page = client.get(f"/service/mail/html/{inbound.pk}/").content.decode()
    assert 'src="data:image/png;base64,' in page and "cid:" not in page
