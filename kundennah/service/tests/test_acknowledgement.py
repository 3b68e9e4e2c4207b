"""The acknowledgement mail: sent once, in the customer's language, with the promise and a human."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from kundennah.customers.tests import factories as customers
from kundennah.service.acknowledgement import (
    acknowledgement_schedule,
    acknowledgement_send,
    callback_text,
    promise_sentence,
)
from kundennah.service.tests.factories import concern as make_concern

BERLIN = ZoneInfo("Europe/Berlin")
BASE = "https://service.example/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def christmas_eve(monkeypatch):
    instant = dt.datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


def test_mail_in_german_has_reference_promise_status_link_phone_hours_and_callback(team, christmas_eve):
    concern = make_concern()
    assert acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    [sent] = mail.outbox
    assert sent.to == ["erika.mustermann@example.org"]
    assert concern.reference in sent.subject
    body = sent.body
    assert concern.reference in body
    assert "Sie erhalten spätestens am Montag, 28. Dezember, 18:00 Uhr eine Antwort." in body
    assert f"https://service.example/contact/c/{concern.access_token}/" in body
    assert "+49 30 12345678" in body and "Mo–Fr 08:00–18:00" in body
    assert "https://service.example/callback/" in body
    html = sent.alternatives[0][0]
    assert 'href="tel:+493012345678"' in html and "https://service.example/callback/" in html


def test_mail_speaks_the_concerns_language(team, christmas_eve):
    concern = make_concern(language="en")
    acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    [sent] = mail.outbox
    assert "You will receive an answer by Monday, 28 December, 6:00 pm at the latest." in sent.body
    assert "Your concern" in sent.subject and "Call us at +49 30 12345678" in sent.body


def test_mail_is_sent_only_once_per_concern(team):
    concern = make_concern()
    assert acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    assert not acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    assert len(mail.outbox) == 1


def test_no_line_break_from_the_subject_reaches_the_mail_header(team):
    concern = make_concern(subject="Hallo")
    concern.subject = "Hallo\r\nBcc: alle@example.org"
    concern.save(update_fields=["subject"])
    acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    [sent] = mail.outbox
    message = sent.message()
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert message["Bcc"] is None


def test_never_for_a_call_an_agent_logged(team, agent):
    concern = make_concern(channel="phone", actor=agent)
    assert not acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    assert mail.outbox == []


def test_a_known_customer_without_a_given_address_gets_it_at_their_primary_email(team):
    hans = customers.person(emails=["hans.mueller@example.de"])
    concern = make_concern(customer=hans, contact_name="Hans Müller")
    acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    assert mail.outbox[0].to == ["hans.mueller@example.de"]


def test_no_mail_without_an_address(team):
    concern = make_concern(contact_name="Jens", contact_phone="030 1234567")
    assert not acknowledgement_send(concern_id=concern.pk, base_url=BASE)
    assert mail.outbox == []


def test_the_mail_goes_out_after_commit_through_the_task(team, django_capture_on_commit_callbacks):
    concern = make_concern()
    with django_capture_on_commit_callbacks(execute=True):
        acknowledgement_schedule(concern, base_url=BASE)
    assert len(mail.outbox) == 1


def test_a_callback_promises_when_we_call(team, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN))
    callback = make_concern(kind="callback", subject="", body="", contact_phone="0151 23456789", contact_name="Jens")
    # German: "Wir rufen Sie spätestens am Montag, 30. November, 09:00 Uhr an."
    assert "Montag, 30. November, 09:00 Uhr" in callback_text(callback)
    assert promise_sentence(callback) == callback_text(callback)
    callback.language = "en"
    assert callback_text(callback) == "We will call you by Monday, 30 November, 9:00 am at the latest."
