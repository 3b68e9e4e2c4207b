"""The concern page and its actions, as an agent uses them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.answers import answer_fill
from kundennah.service.attachments import IncomingFile
from kundennah.service.models import AnswerTemplate, Attachment, Category, Concern, Message
from kundennah.service.tests.factories import concern as make_concern

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"

ACTIONS = ["reply", "note", "status", "assign", "triage", "merge", "link_customer", "callback_done"]


@pytest.fixture
def concern(agent):
    return make_concern(customer=customers.person(agent, salutation="ms", first_name="Erika", last_name="Meier"))


def url(name: str, concern: Concern, *extra) -> str:
    return reverse(f"service:{name}", args=[concern.pk, *extra])


# --- Permissions -----------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_login_from_the_page_and_every_action(client, concern):
    assert client.get(url("concern", concern)).status_code == 302
    for action in ACTIONS:
        response = client.post(url(action, concern), {})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], action


def test_customer_contacts_get_403_everywhere(customer_contact, concern):
    client = client_for(customer_contact)
    assert client.get(url("concern", concern)).status_code == 403
    for action in ACTIONS:
        assert client.post(url(action, concern), {}).status_code == 403, action


def test_agent_of_another_team_gets_404_for_the_page_actions_and_attachments(other_team_agent, concern, agent):
    message = services.message_add(concern=concern, kind=Message.Kind.NOTE, body="Foto", actor=agent,
                                   attachments=[IncomingFile("foto.png", PNG)])
    client = client_for(other_team_agent)
    assert client.get(url("concern", concern)).status_code == 404
    for action in ACTIONS:
        assert client.post(url(action, concern), {"version": concern.version}).status_code == 404, action
    attachment = message.attachments.get()
    assert client.get(reverse("service:attachment", args=[attachment.pk])).status_code == 404
    assert client.get(url("answer", concern, 1)).status_code == 404


@pytest.mark.parametrize("persona", ["agent", "team_lead", "admin_user"])
def test_rightful_users_see_the_concern_page(request, persona, concern):
    response = client_for(request.getfixturevalue(persona)).get(url("concern", concern))
    assert response.status_code == 200
    body = response.content.decode()
    assert concern.subject in body and "Erika Meier" in body


# --- The page --------------------------------------------------------------------------------

def test_page_shows_inbound_outbound_and_notes_distinctly_with_history(agent_client, agent, concern):
    services.message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir prüfen das.", actor=agent)
    services.message_add(concern=concern, kind=Message.Kind.NOTE, body="Buchhaltung gefragt", actor=agent)
    body = agent_client.get(url("concern", concern)).content.decode()
    assert "msg-inbound" in body and "msg-outbound" in body and "msg-note" in body
    assert "Buchhaltung gefragt" in body
    assert "history-event" in body  # new → open


def test_status_buttons_offer_only_allowed_transitions(agent_client, agent, concern):
    services.concern_transition(concern=concern, status=Concern.Status.CLOSED, actor=agent)
    response = agent_client.get(url("concern", concern))
    assert [value for value, _label in response.context["transitions"]] == [Concern.Status.OPEN]


def test_paused_promise_is_explained(agent_client, agent, concern):
    services.concern_transition(concern=concern, status=Concern.Status.WAITING_CUSTOMER, actor=agent)
    assert "pause" in agent_client.get(url("concern", concern)).content.decode().lower()


# --- Actions ---------------------------------------------------------------------------------

def test_reply_with_status_after_sending_resolves(agent_client, concern):
    response = agent_client.post(url("reply", concern), {
        "version": concern.version, "body": "Erledigt, Betrag erstattet.", "status_after": "resolved"}, **HTMX)
    assert response.status_code == 200
    assert 'id="concern-main"' in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RESOLVED
    assert concern.messages.filter(kind=Message.Kind.OUTBOUND, body="Erledigt, Betrag erstattet.").exists()


def test_reply_with_an_attachment_and_download_is_never_inline(agent_client, concern):
    from django.core.files.uploadedfile import SimpleUploadedFile

    agent_client.post(url("reply", concern), {
        "version": concern.version, "body": "Anbei die Gutschrift.",
        "attachments": [SimpleUploadedFile("gutschrift.pdf", PDF, content_type="application/pdf")]}, **HTMX)
    attachment = Attachment.objects.get()
    response = agent_client.get(reverse("service:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    inline = agent_client.get(reverse("service:attachment", args=[attachment.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("attachment")


def test_empty_reply_comes_back_with_the_error_and_status_422(agent_client, concern):
    response = agent_client.post(url("reply", concern), {"version": concern.version, "body": ""}, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#form-reply"
    assert not concern.messages.filter(kind=Message.Kind.OUTBOUND).exists()


def test_stale_version_is_a_clear_conflict_and_changes_nothing(agent_client, agent, concern):
    stale = concern.version
    services.message_add(concern=concern, kind=Message.Kind.NOTE, body="Zwischendurch", actor=agent)
    response = agent_client.post(url("status", concern), {"version": stale, "status": "resolved"}, **HTMX)
    assert response.status_code == 422
    assert "changed by someone else" in response.content.decode() or "geändert" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status != Concern.Status.RESOLVED
    response = agent_client.post(url("reply", concern), {"version": stale, "body": "Hallo"}, **HTMX)
    assert response.status_code == 422
    assert not concern.messages.filter(kind=Message.Kind.OUTBOUND).exists()


def test_transition_the_status_does_not_allow_is_refused_on_the_form(agent_client, agent, concern):
    services.concern_transition(concern=concern, status=Concern.Status.CLOSED, actor=agent)
    concern.refresh_from_db()
    response = agent_client.post(url("status", concern), {"version": concern.version, "status": "resolved"}, **HTMX)
    assert response.status_code == 422


def test_note_assign_and_triage(agent_client, agent, team_lead, concern):
    agent_client.post(url("note", concern), {"version": concern.version, "body": "Intern"}, **HTMX)
    concern.refresh_from_db()
    assert concern.messages.filter(kind=Message.Kind.NOTE, body="Intern").exists()
    response = agent_client.post(url("assign", concern), {"version": concern.version, "assignee": team_lead.pk},
                                 **HTMX)
    assert response.status_code == 200
    concern.refresh_from_db()
    assert concern.assignee == team_lead
    category = Category.objects.create(name="Abrechnung")
    response = agent_client.post(url("triage", concern), {
        "version": concern.version, "subject": "Doppelte Abbuchung März", "category": category.pk,
        "priority": "high"}, **HTMX)
    assert response.status_code == 200
    concern.refresh_from_db()
    assert (concern.subject, concern.category, concern.priority) == ("Doppelte Abbuchung März", category, "high")


def test_assign_to_an_agent_outside_the_team_is_a_field_error(agent_client, other_team_agent, concern):
    response = agent_client.post(url("assign", concern), {"version": concern.version,
                                                          "assignee": other_team_agent.pk}, **HTMX)
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#form-assign"


def test_merge_into_another_concern_by_reference(agent_client, agent, concern):
    target = make_concern(customer=concern.customer, subject="Das gleiche Thema")
    response = agent_client.post(url("merge", concern), {"target": target.reference.lower()}, **HTMX)
    assert response.status_code == 204
    assert response["HX-Redirect"] == url("concern", target)
    concern.refresh_from_db()
    assert concern.merged_into == target


def test_merge_into_an_unknown_reference_is_a_field_error(agent_client, concern):
    response = agent_client.post(url("merge", concern), {"target": "A-1999-000001"}, **HTMX)
    assert response.status_code == 422
    assert "reference" in response.content.decode().lower() or "Referenz" in response.content.decode()


def test_link_an_unidentified_contact_to_a_customer(agent_client, agent):
    loose = make_concern(contact_name="Unbekannt", contact_email="nobody@example.org")
    hans = customers.person(agent)
    response = agent_client.post(url("link_customer", loose), {"customer_id": hans.pk}, **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    loose.refresh_from_db()
    assert loose.customer == hans
    response = agent_client.post(url("link_customer", loose), {"customer_id": 999999}, **HTMX)
    assert response.status_code == 422


def test_callback_done_resolves_the_callback(agent_client, agent):
    callback = make_concern(kind=Concern.Kind.CALLBACK, contact_phone="030 1234567", subject="Bitte anrufen")
    page = agent_client.get(url("concern", callback)).content.decode()
    assert "+49301234567" in page or "030 1234567" in page
    response = agent_client.post(url("callback_done", callback), {"note": "Erreicht, alles geklärt.",
                                                                  "reached": "on"}, **HTMX)
    assert response.status_code == 200
    callback.refresh_from_db()
    assert callback.status == Concern.Status.RESOLVED


# --- Answer templates ------------------------------------------------------------------------

def test_answer_template_is_filled_with_customer_concern_and_agent(agent_client, agent, concern):
    template = AnswerTemplate.objects.create(
        name="Eingang", body="Guten Tag {{ customer.salutation_name }},\nzu {{concern.reference}}: "
                             "{{ agent.name }}. {{ customer.password }} {% load x %}")
    response = agent_client.get(url("answer", concern, template.pk))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Guten Tag Frau Meier," in text
    assert concern.reference in text and agent.display_name in text
    # Unknown placeholders and template tags stay as written: nothing is executed.
    assert "{{ customer.password }}" in text and "{% load x %}" in text


def test_answer_fill_never_runs_template_code(concern, agent):
    assert answer_fill("{{ concern.reference.__class__ }} {{ settings.SECRET_KEY }}", concern=concern,
                       agent=agent) == "{{ concern.reference.__class__ }} {{ settings.SECRET_KEY }}"


def test_answer_template_of_another_team_is_not_offered(agent_client, other_team, concern):
    foreign = AnswerTemplate.objects.create(name="Süd", body="Hallo", team=other_team)
    assert agent_client.get(url("answer", concern, foreign.pk)).status_code == 404
