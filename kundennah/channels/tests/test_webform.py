"""The public contact form and the status page, as a customer without an account uses them."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kundennah.channels.forms import SIGNING_SALT, form_token
from kundennah.service import services
from kundennah.service.models import Concern, Message
from kundennah.service.tests.factories import concern as make_concern

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db
URL = "/contact/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def now_is(monkeypatch):
    def set_now(instant: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)
    return set_now


def english() -> Client:
    # New texts are checked in English; their German comes with the next catalogue build.
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def contact_data(**overrides: object) -> dict[str, object]:
    """What a person sends after reading the form for ten seconds."""
    data: dict[str, object] = {
        "name": "Erika Mustermann", "email": "erika@example.org", "phone": "", "customer_number": "",
        "subject": "Rechnung doppelt abgebucht", "message": "Meine Rechnung wurde zweimal abgebucht.",
        "website": "", "form_token": form_token(at=time.time() - 10),
    }
    data.update(overrides)
    return data


def test_contact_form_needs_no_login_and_shows_the_way_to_a_human():
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="tel:+493012345678"' in html and "Mo–Fr 08:00–18:00" in html
    assert reverse("public:callback") in html
    assert 'lang="de"' in html
    assert 'name="website"' in html and 'aria-hidden="true"' in html


def test_contact_form_speaks_english_to_an_english_browser():
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(URL).content.decode()
    assert "Contact us" in html and "Request a callback" in html


def test_sent_form_creates_a_concern_and_promises_a_concrete_answer_time(team, now_is):
    now_is(dt.datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN))
    response = Client().post(URL, contact_data())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:thanks", args=[concern.access_token])
    assert (concern.channel, concern.contact_email, concern.language) == ("webform", "erika@example.org", "de")
    page = Client().get(response["Location"])
    html = page.content.decode()
    assert concern.reference in html
    assert "Sie erhalten spätestens am Montag, 28. Dezember, 18:00 Uhr eine Antwort." in html
    assert '<meta name="robots" content="noindex">' in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert reverse("public:callback") in html and "tel:+493012345678" in html


def test_email_or_phone_is_needed_and_the_error_sits_at_the_field():
    response = english().post(URL, contact_data(email="", phone=""))
    assert response.status_code == 400
    assert "Please give an email address or a phone number" in response.content.decode()
    assert response.context["form"].errors["email"]
    assert not Concern.objects.exists()


def test_phone_alone_is_enough(team):
    Client().post(URL, contact_data(email="", phone="030 1234567"))
    assert Concern.objects.get().contact_phone == "+49301234567"


def test_the_intakes_contact_errors_land_on_the_form_fields():
    response = Client().post(URL, contact_data(email="erika@", phone="12"))
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert "email" in errors and "phone" in errors
    assert not Concern.objects.exists()


def test_a_refused_attachment_is_shown_at_the_attachment_field():
    program = SimpleUploadedFile("rechnung.pdf", b"MZ\x90\x00 not a pdf")
    response = Client().post(URL, {**contact_data(), "attachments": [program]})
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Concern.objects.exists()


def test_attachments_are_stored_with_the_first_message(team):
    files = [SimpleUploadedFile("a.pdf", b"%PDF-1.4 eins"), SimpleUploadedFile("b.txt", b"zwei")]
    Client().post(URL, {**contact_data(), "attachments": files})
    message = Message.objects.get()
    assert sorted(a.filename for a in message.attachments.all()) == ["a.pdf", "b.txt"]


def test_the_honeypot_creates_nothing():
    response = Client().post(URL, contact_data(website="https://spam.example"))
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_a_form_sent_within_three_seconds_is_refused_kindly_and_can_be_sent_again():
    response = english().post(URL, contact_data(form_token=form_token(at=time.time())))
    form = response.context["form"]
    assert response.status_code == 400 and not Concern.objects.exists()
    assert "Please check your entries" in response.content.decode()
    assert form.data["form_token"] != contact_data()["form_token"]
    assert form.data["subject"] == "Rechnung doppelt abgebucht"


def test_a_form_older_than_a_day_is_refused():
    response = english().post(URL, contact_data(form_token=form_token(at=time.time() - 25 * 3600)))
    assert response.status_code == 400 and not Concern.objects.exists()
    assert "open for a long time" in response.content.decode()


def test_a_forged_token_is_refused():
    forged = signing.dumps({"id": "x", "at": 0}, salt="another-salt")
    assert SIGNING_SALT != "another-salt"
    response = Client().post(URL, contact_data(form_token=forged))
    assert response.status_code == 400 and not Concern.objects.exists()


def test_more_than_five_submissions_from_one_address_in_ten_minutes_get_429_with_the_phone_number(team):
    client = Client()
    for _ in range(5):
        assert client.post(URL, contact_data()).status_code == 302
    response = client.post(URL, contact_data())
    assert response.status_code == 429
    assert "+49 30 12345678" in response.content.decode()
    assert Concern.objects.count() == 5


def test_other_addresses_are_not_limited_by_one_busy_address(team):
    for _ in range(6):
        Client(REMOTE_ADDR="192.0.2.1").post(URL, contact_data())
    assert Client(REMOTE_ADDR="192.0.2.2").post(URL, contact_data()).status_code == 302


def test_a_double_submitted_form_creates_one_concern_and_the_same_acknowledgement(team):
    data = contact_data()
    first = Client().post(URL, data)
    second = Client().post(URL, data)
    assert Concern.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_customer_number_is_passed_to_the_agent_but_links_no_record(team):
    Client().post(URL, contact_data(customer_number="K-123456"))
    concern = Concern.objects.get()
    assert concern.customer is None
    assert "K-123456" in concern.messages.get().body


# --- The status page ------------------------------------------------------------------------


def test_status_page_shows_the_conversation_without_internal_notes(team, agent):
    concern = make_concern()
    services.message_add(concern=concern, kind="note", body="Kundin ist schwierig, intern", actor=agent)
    services.message_add(concern=concern, kind="outbound", body="Wir haben die Buchung storniert.", actor=agent)
    response = english().get(reverse("public:status", args=[concern.access_token]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wir haben die Buchung storniert." in html
    assert "intern" not in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert "In progress" in html


def test_status_page_promises_the_answer_time_until_we_answered(team, now_is):
    now_is(dt.datetime(2026, 12, 24, 10, 0, tzinfo=BERLIN))
    concern = make_concern()
    html = Client().get(reverse("public:status", args=[concern.access_token])).content.decode()
    assert "Sie erhalten spätestens am Montag, 28. Dezember, 18:00 Uhr eine Antwort." in html


def test_the_customer_replies_on_the_status_page_and_a_resolved_concern_reopens(team, agent):
    concern = make_concern()
    services.message_add(concern=concern, kind="outbound", body="Erledigt.", actor=agent, status_after="resolved")
    url = reverse("public:status", args=[concern.access_token])
    response = Client().post(url, {"message": "Leider ist es doch nicht erledigt.", "form_token": form_token()})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == "open"
    assert concern.messages.filter(kind="inbound").count() == 2


def test_an_empty_reply_gets_a_field_error():
    concern = make_concern()
    response = Client().post(reverse("public:status", args=[concern.access_token]),
                             {"message": "", "form_token": form_token()})
    assert response.status_code == 400
    assert "message" in response.context["form"].errors


@pytest.mark.parametrize("token", ["x" * 43, "A" * 20, "no-such-token-at-all-here-0123456789abcdefgh"])
def test_an_unknown_token_is_404(token):
    make_concern()
    assert Client().get(f"/contact/c/{token}/").status_code == 404
    assert Client().get(f"/contact/thanks/{token}/").status_code == 404


def test_every_visitor_with_the_token_sees_the_page_and_nobody_without(customer_contact, agent):
    concern = make_concern()
    url = reverse("public:status", args=[concern.access_token])
    for user in (None, customer_contact, agent):
        client = Client()
        if user is not None:
            client.force_login(user)
        assert client.get(url).status_code == 200
        assert client.get(url[:-5] + "xxxx/").status_code == 404
