"""Agent pages of the customer record: who may open them, and what editing in place does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from kundennah.customers import services
from kundennah.customers.inputs import HoldingInput
from kundennah.customers.models import ContactPoint, Customer, Holding, PersonalNote, Site
from kundennah.customers.tests import factories
from kundennah.timeline.models import Interaction
from kundennah.timeline.services import interaction_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(agent):
    organisation = factories.organisation(agent)
    person = factories.person(agent)
    services.membership_add(actor=agent, person=person, organisation=organisation, role="Einkauf")
    services.note_add(actor=agent, customer=organisation, text="Zahlt immer pünktlich.")
    services.holding_add(actor=agent, customer=organisation, data=HoldingInput(kind="device", name="Drucker"))
    return organisation


def page_urls(org: Customer) -> list[str]:
    point = org.contact_points.first()
    site = Site.objects.filter(organisation=org).first()
    holding = Holding.objects.filter(customer=org).first()
    note = PersonalNote.objects.filter(customer=org).first()
    pk = org.pk
    return [
        reverse("customers:list"), reverse("customers:list") + "?q=Druckerei",
        reverse("customers:search_suggest") + "?q=Dru", reverse("customers:create"),
        reverse("customers:detail", args=[pk]), reverse("customers:history", args=[pk]),
        reverse("customers:section", args=[pk, "sites"]), reverse("customers:timeline", args=[pk]),
        reverse("customers:interaction_log", args=[pk]), reverse("customers:profile_edit", args=[pk]),
        reverse("customers:contact_point_add", args=[pk]),
        reverse("customers:contact_point_edit", args=[pk, point.pk]),
        reverse("customers:site_add", args=[pk]), reverse("customers:site_edit", args=[pk, site.pk]),
        reverse("customers:holding_add", args=[pk]), reverse("customers:holding_edit", args=[pk, holding.pk]),
        reverse("customers:consent_record", args=[pk]), reverse("customers:note_add", args=[pk]),
        reverse("customers:note_edit", args=[pk, note.pk]), reverse("customers:membership_add", args=[pk]),
    ]


def test_anonymous_visitors_are_sent_to_login_from_every_page(client, org):
    for url in page_urls(org):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


def test_customer_contacts_never_see_the_agent_side(customer_contact, org):
    client = client_for(customer_contact)
    for url in page_urls(org):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("persona", ["agent", "other_team_agent", "team_lead", "admin_user"])
def test_staff_of_every_team_work_on_the_central_record(request, persona, org):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    for url in page_urls(org):
        expected = 200
        if "/notes/" in url and "/edit/" in url and persona == "other_team_agent":
            expected = 403  # someone else's note: only its author and team leads may change it
        assert client.get(url, headers={"HX-Request": "true"}).status_code == expected, url


def test_post_only_actions_refuse_anonymous_and_customer_contacts(client, customer_contact, org):
    point = org.contact_points.first()
    url = reverse("customers:contact_point_action", args=[org.pk, point.pk, "delete"])
    assert client.post(url).status_code == 302
    assert client_for(customer_contact).post(url).status_code == 403
    assert ContactPoint.objects.filter(pk=point.pk).exists()


def test_sub_objects_of_another_customer_are_not_found(agent_client, agent, org):
    other = factories.person(agent, first_name="Fremd")
    point = other.contact_points.first()
    assert agent_client.get(reverse("customers:contact_point_edit", args=[org.pk, point.pk])).status_code == 404
    assert agent_client.get(reverse("customers:detail", args=[999999])).status_code == 404


def test_sensitive_note_is_hidden_from_other_agents_but_shown_to_team_leads(agent, other_team_agent, team_lead, org):
    services.note_add(actor=agent, customer=org, text="Geschäftsführer schwer erkrankt.", is_sensitive=True)
    url = reverse("customers:detail", args=[org.pk])
    assert "schwer erkrankt" in client_for(agent).get(url).content.decode()
    assert "schwer erkrankt" not in client_for(other_team_agent).get(url).content.decode()
    assert "schwer erkrankt" in client_for(team_lead).get(url).content.decode()
    history = client_for(other_team_agent).get(reverse("customers:history", args=[org.pk])).content.decode()
    assert "schwer erkrankt" not in history


def test_360_page_shows_sites_with_masked_iban_and_never_the_full_one(agent_client, org):
    body = agent_client.get(reverse("customers:detail", args=[org.pk])).content.decode()
    assert "Werk Augsburg" in body
    assert "DE89 **** **** **** **30 00" in body
    assert factories.IBAN_COMMERZBANK not in body


def test_360_page_runs_the_same_number_of_queries_however_much_the_customer_holds(agent, agent_client):
    small = factories.organisation(agent, name="Klein GmbH", sites=[factories.site_input("A")])
    big = factories.organisation(agent, name="Groß GmbH",
                                 sites=[factories.site_input(f"Standort {i}") for i in range(8)])
    for customer, count in ((small, 1), (big, 60)):
        for i in range(count):
            interaction_record(customer=customer, channel=["email", "phone", "letter"][i % 3], direction="inbound",
                               occurred_at=timezone.now() - dt.timedelta(hours=i), subject=f"Kontakt {i}")
        for i in range(min(count, 6)):
            person = factories.person(agent, first_name=f"P{i}", emails=[], phones=[])
            services.membership_add(actor=agent, person=person, organisation=customer, role="Einkauf",
                                    site=Site.objects.filter(organisation=customer).first())
            services.note_add(actor=agent, customer=customer, text=f"Notiz {i}")
    counts = []
    for customer in (small, big):
        with CaptureQueriesContext(connection) as queries:
            response = agent_client.get(reverse("customers:detail", args=[customer.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[1] <= 16


def test_invalid_phone_in_the_inline_form_is_shown_at_the_field_and_saves_nothing(agent_client, org):
    url = reverse("customers:contact_point_add", args=[org.pk])
    before = ContactPoint.objects.filter(customer=org).count()
    response = agent_client.post(url, {"kind": "phone", "value": "12345"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    assert ContactPoint.objects.filter(customer=org).count() == before


def test_adding_a_contact_point_inline_answers_with_the_refreshed_section(agent_client, org):
    url = reverse("customers:contact_point_add", args=[org.pk])
    response = agent_client.post(url, {"kind": "email", "value": "einkauf@druckerei.example", "label": "work"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#section-contacts"
    assert "einkauf@druckerei.example" in response.content.decode()


def test_stale_edit_form_reports_the_conflict_instead_of_overwriting(agent_client, agent, org):
    url = reverse("customers:profile_edit", args=[org.pk])
    form = {"number": org.number, "status": "active", "name": "Druckerei Neu", "legal_form": "GmbH",
            "language": "de", "version": org.version}
    services.customer_update(actor=agent, customer=org, changes={"name": "Druckerei Zwischendurch"})
    response = agent_client.post(url, form, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "inzwischen" in response.content.decode() or "in the meantime" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Druckerei Zwischendurch"


def test_site_form_puts_an_invalid_iban_at_the_iban_field(agent_client, org):
    site = Site.objects.filter(organisation=org).first()
    data = {"name": "Werk", "delivery_address_street": "Hauptstraße 5", "delivery_address_postal_code": "86150",
            "delivery_address_city": "Augsburg", "delivery_address_country": "DE", "iban": "DE00 1234",
            "is_active": "on", "version": site.version}
    response = agent_client.post(reverse("customers:site_edit", args=[org.pk, site.pk]), data,
                                 headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'id="id_iban-error"' in response.content.decode() or "id_iban" in response.content.decode()
    site.refresh_from_db()
    assert site.name == "Werk Augsburg"


def test_agent_logs_a_phone_call_and_it_appears_on_the_timeline(agent_client, org):
    response = agent_client.post(reverse("customers:interaction_log", args=[org.pk]), {
        "channel": "phone", "direction": "inbound", "subject": "Toner bestellt",
        "summary": "Kunde bittet um Lieferung bis Freitag.",
    }, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#section-timeline"
    assert "Toner bestellt" in response.content.decode()
    assert Interaction.objects.get(customer=org).actor.username == "anna_agent"


def test_timeline_filters_by_channel_and_pages_with_a_cursor(agent_client, org):
    for i in range(45):
        interaction_record(customer=org, channel="email" if i % 3 else "letter", direction="inbound",
                           occurred_at=timezone.now() - dt.timedelta(minutes=i), subject=f"Betreff {i:02d}")
    first = agent_client.get(reverse("customers:timeline", args=[org.pk]), {"channel": "letter"}).content.decode()
    assert "Betreff 00" in first and "Betreff 01" not in first
    page = agent_client.get(reverse("customers:timeline", args=[org.pk])).content.decode()
    assert "Betreff 29" in page and "Betreff 30" not in page
    cursor = page.split("cursor=")[1].split('"')[0].split("&")[0]
    from urllib.parse import unquote

    second = agent_client.get(reverse("customers:timeline", args=[org.pk]), {"cursor": unquote(cursor)})
    assert "Betreff 30" in second.content.decode()


def test_creating_a_customer_in_the_form_opens_its_360_page(agent_client):
    response = agent_client.post(reverse("customers:create"), {
        "kind": "person", "salutation": "ms", "first_name": "Erika", "last_name": "Mustermann",
        "language": "de", "status": "active", "emails_0": "erika@example.de", "phones_0": "0171 2345678",
        "addresses_0_street": "Heidestraße 17", "addresses_0_postal_code": "51147", "addresses_0_city": "Köln",
        "addresses_0_country": "DE",
    })
    customer = Customer.objects.get(last_name="Mustermann")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[customer.pk])
    assert customer.contact_points.count() == 3


def test_creating_a_customer_with_a_bad_postcode_keeps_the_form_and_creates_nothing(agent_client):
    response = agent_client.post(reverse("customers:create"), {
        "kind": "person", "last_name": "Mustermann", "language": "de", "status": "active",
        "addresses_0_street": "Heidestraße 17", "addresses_0_postal_code": "5114", "addresses_0_city": "Köln",
        "addresses_0_country": "DE",
    })
    assert response.status_code == 422
    assert "Postleitzahl" in response.content.decode() or "postcode" in response.content.decode()
    assert not Customer.objects.exists()


def test_search_page_opens_the_only_hit_directly_when_asked(agent_client, org):
    response = agent_client.get(reverse("customers:list"), {"q": org.number, "open": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:detail", args=[org.pk])


def test_history_page_shows_who_changed_what_from_what_to_what(agent, agent_client, org):
    services.customer_update(actor=agent, customer=org, changes={"name": "Druckerei Neuname"})
    body = agent_client.get(reverse("customers:history", args=[org.pk])).content.decode()
    assert "Druckerei Beispiel" in body and "Druckerei Neuname" in body
    assert agent.display_name in body


def test_search_results_and_recent_list_run_a_fixed_number_of_queries(agent, agent_client):
    def count(params):
        with CaptureQueriesContext(connection) as queries:
            assert agent_client.get(reverse("customers:list"), params).status_code == 200
        return len(queries)

    factories.person(agent, first_name="Anna", last_name="Mustermann")
    few = (count({"q": "Mustermann"}), count({}))
    for i in range(20):
        factories.person(agent, first_name=f"Max{i}", last_name="Mustermann", phones=[f"030 12345{i:02d}"])
    assert (count({"q": "Mustermann"}), count({})) == few
