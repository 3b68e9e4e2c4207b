"""Phone calls and letters logged by an agent become concerns on their channel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from kundennah.customers.tests import factories as customers
from kundennah.service.models import Concern

pytestmark = pytest.mark.django_db
PHONE = reverse("service:log_phone")
LETTER = reverse("service:log_letter")
PICK = reverse("service:customer_pick")
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def scan(content: bytes = PDF, name: str = "brief.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- Permissions -----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [PHONE, LETTER, PICK])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", [PHONE, LETTER, PICK])
def test_customer_contacts_are_refused(customer_contact, path):
    assert client_for(customer_contact).get(path).status_code == 403
    assert client_for(customer_contact).post(path, {}).status_code == 403


@pytest.mark.parametrize("persona", ["agent", "other_team_agent", "team_lead", "admin_user"])
def test_every_agent_may_log_a_call(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(PHONE).status_code == 200


def test_a_call_logged_by_another_team_is_not_shown_to_this_team(agent, other_team_agent):
    response = client_for(agent).post(PHONE, {"contact_name": "Anrufer", "subject": "Frage", "priority": "normal"})
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert client_for(other_team_agent).get(reverse("service:concern", args=[concern.pk])).status_code == 404


# --- Phone -----------------------------------------------------------------------------------

def test_the_caller_is_recognised_by_the_number_as_typed(agent):
    hans = customers.person(agent, phones=["030 1234567"])
    response = client_for(agent).get(PICK, {"contact_phone": "+49 30 1234567"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert hans.display_name in body and f'value="{hans.pk}" checked' in body


def test_an_unknown_number_offers_an_unidentified_contact(agent):
    body = client_for(agent).get(PICK, {"contact_phone": "040 9999999"}).content.decode()
    assert 'value="" checked' in body


def test_a_call_becomes_a_phone_concern_with_the_agent_as_author(agent):
    hans = customers.person(agent, phones=["030 1234567"])
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    response = client_for(agent).post(PHONE, {
        "contact_phone": "030 1234567", "customer_id": hans.pk, "subject": "Zählerstand durchgegeben",
        "body": "Kunde nennt Zählerstand 12345.", "priority": "normal",
        "received_at": earlier.strftime("%Y-%m-%dT%H:%M"),
    })
    concern = Concern.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("service:concern", args=[concern.pk])
    assert (concern.channel, concern.customer, concern.status) == ("phone", hans, Concern.Status.NEW)
    assert abs((concern.received_at - earlier).total_seconds()) < 60
    assert concern.messages.get().author == agent


def test_a_call_resolved_during_the_call_is_resolved_at_once(agent):
    client_for(agent).post(PHONE, {"contact_name": "Frau Schulz", "contact_phone": "0171 2345678",
                                   "subject": "Öffnungszeiten", "priority": "normal", "resolved_during_call": "on"})
    assert Concern.objects.get().status == Concern.Status.RESOLVED


def test_a_call_without_anything_said_is_refused_with_field_errors(agent):
    response = client_for(agent).post(PHONE, {"priority": "normal", "contact_phone": "12"})
    assert response.status_code == 422
    assert not Concern.objects.exists()


def test_a_call_logged_in_the_future_is_refused(agent):
    later = timezone.localtime() + dt.timedelta(days=1)
    response = client_for(agent).post(PHONE, {"contact_name": "X", "subject": "Y", "priority": "normal",
                                              "received_at": later.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 422
    assert not Concern.objects.exists()


# --- Letter ----------------------------------------------------------------------------------

def test_a_letter_scan_becomes_a_letter_concern_with_the_scan_attached(agent):
    hans = customers.person(agent)
    response = client_for(agent).post(LETTER, {
        "scan": scan(), "customer_id": hans.pk, "subject": "Kündigung", "body": "Kündigt zum Jahresende.",
        "priority": "normal"})
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert (concern.channel, concern.customer) == ("letter", hans)
    attachment = concern.messages.get().attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.filename == "brief.pdf"


def test_a_letter_needs_a_pdf_or_image_scan(agent):
    response = client_for(agent).post(LETTER, {"scan": scan(b"just some text", "brief.pdf"), "contact_name": "X",
                                               "subject": "Brief", "priority": "normal"})
    assert response.status_code == 422
    assert not Concern.objects.exists()
    response = client_for(agent).post(LETTER, {"contact_name": "X", "subject": "Brief", "priority": "normal"})
    assert response.status_code == 422


def test_a_program_disguised_as_pdf_is_refused(agent):
    response = client_for(agent).post(LETTER, {"scan": scan(b"MZ\x90\x00" + b"\x00" * 100, "rechnung.pdf"),
                                               "contact_name": "X", "subject": "Brief", "priority": "normal"})
    assert response.status_code == 422
    assert not Concern.objects.exists()


def test_letter_customer_is_found_by_search(agent):
    hans = customers.person(agent, first_name="Hans", last_name="Müller")
    body = client_for(agent).get(PICK, {"search": "Müller"}).content.decode()
    assert f'value="{hans.pk}"' in body
