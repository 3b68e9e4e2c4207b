"""The portal: a customer contact sees and works on their own concerns, and nobody else's."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.channels.forms import form_token
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.models import Concern
from kundennah.service.tests.factories import concern as make_concern

pytestmark = pytest.mark.django_db
PORTAL = "/portal/"


def portal_user(customer, username: str = "hans_portal", **fields) -> User:
    return User.objects.create_user(username=username, password="x-123456789", role=User.Role.CUSTOMER,
                                    customer=customer, email=f"{username}@example.de", **fields)


@pytest.fixture
def hans(db):
    return customers.person(emails=["hans@example.de"])


@pytest.fixture
def hans_user(hans):
    return portal_user(hans)


def test_anonymous_visitors_are_sent_to_the_login():
    for url in (PORTAL, reverse("public:portal_new"), reverse("public:portal_concern", args=[1])):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["agent", "other_team_agent", "team_lead", "admin_user"])
def test_staff_get_403_in_the_portal(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(PORTAL).status_code == 403
    assert client.get(reverse("public:portal_new")).status_code == 403


def test_a_customer_sees_their_own_concerns_in_a_fixed_number_of_queries(
        team, hans, hans_user, django_assert_max_num_queries):
    for index in range(5):
        make_concern(customer=hans, raised_by=hans_user, subject=f"Anliegen {index}")
    make_concern(subject="Fremdes Anliegen")
    client = client_for(hans_user)
    with django_assert_max_num_queries(8):
        response = client.get(PORTAL)
    html = response.content.decode()
    assert response.status_code == 200
    assert all(f"Anliegen {index}" in html for index in range(5))
    assert "Fremdes Anliegen" not in html
    assert 'href="tel:+493012345678"' in html and reverse("public:portal_callback") in html


def test_a_customer_sees_only_their_own_concerns(team, hans, hans_user):
    other = customers.person(first_name="Greta", emails=["greta@example.de"])
    other_user = portal_user(other, "greta_portal")
    theirs = make_concern(customer=other, raised_by=other_user)
    client = client_for(hans_user)
    assert client.get(reverse("public:portal_concern", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("public:portal_concern", args=[theirs.pk]),
                           {"message": "Hallo", "form_token": form_token()})
    assert response.status_code == 404
    assert theirs.messages.count() == 1


def test_a_colleague_sees_the_customers_concerns_only_when_allowed(team, hans, hans_user):
    concern = make_concern(customer=hans, raised_by=hans_user)
    colleague = portal_user(hans, "kollegin")
    url = reverse("public:portal_concern", args=[concern.pk])
    assert client_for(colleague).get(url).status_code == 404
    colleague.sees_all_concerns = True
    colleague.save(update_fields=["sees_all_concerns"])
    assert client_for(colleague).get(url).status_code == 200


def test_a_new_concern_from_the_portal_belongs_to_the_customer_and_is_acknowledged(
        team, hans, hans_user, django_capture_on_commit_callbacks):
    data = {"subject": "Lieferung fehlt", "message": "Die Lieferung ist nicht angekommen.", "form_token": form_token()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hans_user).post(reverse("public:portal_new"), data)
        client_for(hans_user).post(reverse("public:portal_new"), data)
    concern = Concern.objects.get()
    assert response["Location"] == reverse("public:portal_concern", args=[concern.pk])
    assert (concern.channel, concern.customer, concern.raised_by) == ("portal", hans, hans_user)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hans_portal@example.de"]


def test_the_portal_concern_page_hides_notes_and_takes_replies(team, agent, hans, hans_user):
    concern = make_concern(customer=hans, raised_by=hans_user)
    services.message_add(concern=concern, kind="note", body="Nur für uns", actor=agent)
    services.message_add(concern=concern, kind="outbound", body="Wir kümmern uns.", actor=agent,
                         status_after="waiting_customer")
    client = client_for(hans_user)
    url = reverse("public:portal_concern", args=[concern.pk])
    html = client.get(url).content.decode()
    assert "Wir kümmern uns." in html and "Nur für uns" not in html
    assert client.post(url, {"message": "Hier die Nummer: 4711", "form_token": form_token()}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == "open"


def test_a_new_concern_without_text_gets_field_errors(hans_user):
    response = client_for(hans_user).post(reverse("public:portal_new"), {"subject": "", "message": "",
                                                                         "form_token": form_token()})
    assert response.status_code == 400
    assert {"subject", "message"} <= set(response.context["form"].errors)
