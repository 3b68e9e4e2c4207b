"""Creating, reading and changing a customer over the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kundennah.core.models import Event
from kundennah.customers import services
from kundennah.customers.inputs import ContactPointInput, HoldingInput
from kundennah.customers.models import BankAccount, ContactPoint, Customer, Site
from kundennah.customers.tests import factories
from kundennah.customers.tests.test_api_client import (  # noqa: F401 (fixture)
    Api,
    api_fixture,
    errors_of,
    organisation_body,
    person_body,
    site_body,
)
from kundennah.timeline.services import interaction_record

pytestmark = pytest.mark.django_db


# --- Creation -------------------------------------------------------------------------------


def test_customer_created_with_two_sites_in_one_post(api):
    response = api.post("", organisation_body())
    assert response.status_code == 201, response.json()
    body = response.json()
    customer = Customer.objects.get()
    assert body["id"] == customer.pk and body["number"] == customer.number
    assert response["Location"] == body["url"] == f"http://testserver/api/v1/customers/{customer.pk}"
    assert response["ETag"] == 'W/"1"'
    assert [s["name"] for s in body["sites"]] == ["Lager München", "Werk Augsburg"]
    augsburg = body["sites"][1]
    assert augsburg["delivery_address"]["postal_code"] == "86150"
    assert augsburg["bank_account"]["iban_masked"] == "DE89 **** **** **** **30 00"
    assert augsburg["bank_account"]["bic"] == "COBADEFFXXX"
    assert augsburg["bank_account"]["has_mandate"] is True
    assert body["primary_email"] == "info@druckerei.example"
    assert body["primary_phone"] == "+49 89 4567890"
    assert Site.objects.filter(organisation=customer).count() == 2
    assert BankAccount.objects.filter(customer=customer).count() == 2


def test_person_created_with_everything_a_person_has(api):
    response = api.post("", person_body(
        salutation="mr", title="Dr.", birth_date="1970-05-04", language="en",
        emails=["hans.mueller@example.de", "hans@work.example"],
        phones=["030 1234567", "0171 2345678"],
        website="mueller.example",
    ))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["display_name"] == "Dr. Hans Müller"
    assert body["profile"]["birth_date"] == "1970-05-04"
    assert body["profile"]["website"] == "https://mueller.example"
    kinds = [(p["kind"], p["value"], p["is_primary"]) for p in body["contact_points"]]
    assert ("phone", "+49301234567", True) in kinds and ("phone", "+491712345678", False) in kinds
    postal = next(p for p in body["contact_points"] if p["kind"] == "postal")
    assert postal["address"]["city"] == "Berlin"


def test_full_iban_never_appears_in_an_answer(api):
    created = api.post("", organisation_body()).content.decode()
    detail = api.get(f"{Customer.objects.get().pk}").content.decode()
    for text in (created, detail):
        assert "DE89370400440532013000" not in text and "0532 0130" not in text


def test_invalid_iban_in_second_site_points_to_that_field(api):
    body = organisation_body()
    body["sites"][1]["iban"] = "DE89 3704 0044 0532 0130 01"
    response = api.post("", body)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert errors_of(response) == {"sites[1].iban": "invalid_iban"}
    assert not Customer.objects.exists() and not Site.objects.exists()


@pytest.mark.parametrize(("change", "field", "code"), [
    ({"phones": ["030 1234567", "12"]}, "phones[1]", "invalid_phone"),
    ({"emails": ["hans@example.de", "hans@@example"]}, "emails[1]", "invalid_email"),
    ({"emails": ["hans@example.de", "HANS@example.de"]}, "emails[1]", "duplicate_contact_point"),
    ({"addresses": [{"street": "Weg 1", "postal_code": "1234", "city": "Berlin"}]},
     "addresses[0].postal_code", "invalid_postal_code"),
    ({"addresses": [{"street": "Weg 1", "postal_code": "10115", "city": "Berlin",
                     "country": "XX"}]},
     "addresses[0].country", "unknown_country"),
    ({"last_name": ""}, "last_name", "required"),
    ({"birth_date": "2999-01-01"}, "birth_date", "implausible_date"),
    ({"website": "not a url"}, "website", "invalid_url"),
    ({"number": "K 1!"}, "number", "invalid_number"),
    ({"sites": [site_body()]}, "sites", "sites_only_for_organisations"),
])
def test_each_invalid_person_field_is_reported_where_it_was_sent(api, change, field, code):
    response = api.post("", person_body(**change))
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()
    assert not Customer.objects.exists()


@pytest.mark.parametrize(("site_change", "field", "code"), [
    ({"delivery_address": {"street": "Weg 1", "postal_code": "8615", "city": "Augsburg"}},
     "sites[0].delivery_address.postal_code", "invalid_postal_code"),
    ({"delivery_address": {"street": "Weg 1", "postal_code": "86150", "city": "Augsburg",
                           "country": "Atlantis"}},
     "sites[0].delivery_address.country", "unknown_country"),
    ({"delivery_address": {"postal_code": "86150", "city": "Augsburg"}},
     "sites[0].delivery_address.street", "required"),
    ({"invoice_address": {"street": "Postfach 1", "postal_code": "ABCDE", "city": "Berlin"}},
     "sites[0].invoice_address.postal_code", "invalid_postal_code"),
    ({"invoice_email": "rechnung@"}, "sites[0].invoice_email", "invalid_email"),
    ({"bic": "NOTABIC"}, "sites[0].bic", "invalid_bic"),
    ({"mandate_reference": "MANDAT ÄÖÜ"}, "sites[0].mandate_reference",
     "invalid_mandate_reference"),
    ({"mandate_signed_on": "2999-01-01"}, "sites[0].mandate_signed_on", "implausible_date"),
    ({"name": "  "}, "sites[0].name", "required"),
])
def test_each_invalid_site_field_is_reported_where_it_was_sent(api, site_change, field, code):
    body = organisation_body()
    body["sites"][0].update(site_change)
    response = api.post("", body)
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()
    assert not Customer.objects.exists()


def test_all_errors_are_reported_at_once(api):
    body = organisation_body(emails=["x@"], phones=["1"])
    body["sites"][1]["iban"] = "DE00"
    assert set(errors_of(api.post("", body))) == {"emails[0]", "phones[0]", "sites[1].iban"}


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"first_name": "Hans", "last_name": "Müller"}, "kind", "required"),
    ({"kind": "robot", "last_name": "Müller"}, "kind", "invalid_choice"),
    ({"kind": "person", "last_name": "Müller", "emails": "a@b.de"}, "emails", "invalid_list"),
    ({"kind": "person", "last_name": "Müller", "birth_date": "4.5.1970"}, "birth_date",
     "invalid_date"),
    ({"kind": "person", "last_name": "Müller", "shoe_size": 44}, "shoe_size", "unknown_field"),
    ({"kind": "person", "last_name": "M" * 101}, "last_name", "too_long"),
    ({"kind": "organisation", "name": "X", "sites": [{"name": "A"}]},
     "sites[0].delivery_address", "required"),
    ({"kind": "organisation", "name": "X", "sites": [{"name": "A", "delivery_address": "Weg 1"}]},
     "sites[0].delivery_address", "invalid_object"),
    ({"kind": "person", "last_name": 7}, "last_name", "invalid_text"),
])
def test_wrong_types_are_field_errors_too(api, body, field, code):
    response = api.post("", body)
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()


def test_duplicate_customer_number_is_refused_and_changes_nothing(api, agent):
    factories.person(agent, number="K-4711")
    response = api.post("", person_body(number="K-4711", last_name="Schmidt"))
    assert response.status_code == 422
    assert errors_of(response) == {"number": "duplicate_number"}
    assert Customer.objects.count() == 1


def test_messages_follow_the_callers_language(agent):
    body = person_body(phones=["12"])
    german = Api(agent).post("", body).json()
    english = Api(agent, language="en").post("", body).json()
    assert english["message"] == "Please correct the marked fields."
    assert english["errors"][0]["message"] == "This is not a valid phone number."
    assert german["message"] == "Bitte korrigieren Sie die markierten Felder."
    assert german["errors"][0]["message"] != english["errors"][0]["message"]


def test_without_accept_language_the_token_users_language_applies(agent):
    agent.language = "en"
    agent.save(update_fields=["language"])
    assert Api(agent).post("", person_body(phones=["12"])).json()["message"] == (
        "Please correct the marked fields."
    )


# --- Idempotency ----------------------------------------------------------------------------


def test_same_idempotency_key_and_body_returns_the_first_answer(api):
    headers = {"Idempotency-Key": "order-2024-0001"}
    first = api.post("", organisation_body(), headers=headers)
    again = api.post("", organisation_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert Customer.objects.count() == 1
    record = Event.objects.get(name="api.idempotency")
    assert "Druckerei" not in str(record.payload)  # a hash and an id, no customer data


def test_same_idempotency_key_with_another_body_is_refused(api):
    headers = {"Idempotency-Key": "k-1"}
    api.post("", person_body(), headers=headers)
    response = api.post("", person_body(first_name="Erika"), headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert errors_of(response) == {"Idempotency-Key": "idempotency_key_reused"}
    assert Customer.objects.count() == 1


def test_idempotency_keys_belong_to_their_user(api, team_lead):
    headers = {"Idempotency-Key": "k-1"}
    api.post("", person_body(), headers=headers)
    assert Api(team_lead).post("", person_body(), headers=headers).status_code == 201
    assert Customer.objects.count() == 2


def test_without_a_key_every_post_creates(api):
    api.post("", person_body())
    api.post("", person_body())
    assert Customer.objects.count() == 2


def test_a_failed_create_does_not_use_up_the_key(api):
    headers = {"Idempotency-Key": "k-2"}
    assert api.post("", person_body(phones=["12"]), headers=headers).status_code == 422
    assert api.post("", person_body(), headers=headers).status_code == 201


def test_keys_are_remembered_for_a_day(api):
    headers = {"Idempotency-Key": "k-3"}
    api.post("", person_body(), headers=headers)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    Event.objects.filter(name="api.idempotency").update(occurred_at=two_days_ago)
    assert api.post("", person_body(), headers=headers).status_code == 201
    assert Customer.objects.count() == 2


# --- The 360 --------------------------------------------------------------------------------


@pytest.fixture
def org(agent, team_lead):
    organisation = factories.organisation(agent, sites=[factories.site_input("Werk Augsburg")])
    contact = factories.person(agent, first_name="Petra", last_name="Pohl", emails=[], phones=[])
    site = factories.first_site(organisation)
    services.membership_add(actor=agent, person=contact, organisation=organisation, role="Einkauf",
                            site=site, is_main_contact=True)
    services.holding_add(actor=agent, customer=organisation, data=HoldingInput(
        kind="account", name="Kundenkonto", identifier="KK-1", balance=Decimal("1234.5"),
        site_id=site.pk, key_figures={"Kreditlinie": "5000.00"},
    ))
    for granted, source in ((True, "webform"), (False, "phone")):
        services.consent_record(actor=agent, customer=organisation, channel="email",
                                purpose="newsletter", granted=granted, source=source)
    services.note_add(actor=agent, customer=organisation, text="Zahlt pünktlich.")
    services.note_add(actor=team_lead, customer=organisation, text="Geschäftsführer erkrankt.",
                      is_sensitive=True)
    for day in range(25):
        interaction_record(customer=organisation, channel="phone" if day % 2 else "email",
                           direction="inbound", subject=f"Kontakt {day}",
                           occurred_at=timezone.now() - dt.timedelta(days=day))
    return organisation


def test_360_holds_the_whole_record(api, org):
    response = api.get(f"{org.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{org.version}"'
    body = response.json()
    assert body["profile"]["name"] == "Druckerei Beispiel"
    site = body["sites"][0]
    assert site["bank_account"]["iban_masked"].startswith("DE89 ****")
    assert site["bank_account"]["mandate_reference"] and site["bank_account"]["bank_name"]
    assert site["contacts"][0]["person"]["display_name"] == "Petra Pohl"
    assert site["contacts"][0]["is_main_contact"] is True
    assert body["memberships"][0]["role"] == "Einkauf"
    holding = body["holdings"][0]
    assert holding["balance"] == "1234.50" and holding["currency"] == "EUR"
    assert holding["key_figures"] == {"Kreditlinie": "5000.00"}
    assert [(c["channel"], c["purpose"], c["granted"]) for c in body["consents"]] == [
        ("email", "newsletter", False)
    ]
    assert body["open_concerns"] == []
    assert len(body["recent_timeline"]) == 20
    assert body["recent_timeline"][0]["subject"] == "Kontakt 0"
    assert body["timeline_next_cursor"]
    assert body["channel_counts"] == {"email": 13, "phone": 12}


def test_sensitive_notes_only_for_leads_admins_and_their_author(org, agent, other_team_agent,
                                                                 team_lead, admin_user):
    def notes(user):
        return sorted(n["text"] for n in Api(user).get(f"{org.pk}").json()["notes"])

    assert notes(agent) == ["Zahlt pünktlich."]
    assert notes(other_team_agent) == ["Zahlt pünktlich."]
    assert notes(team_lead) == ["Geschäftsführer erkrankt.", "Zahlt pünktlich."]
    assert notes(admin_user) == ["Geschäftsführer erkrankt.", "Zahlt pünktlich."]
    services.note_add(actor=agent, customer=org, text="Eigene vertrauliche Notiz.",
                      is_sensitive=True)
    assert "Eigene vertrauliche Notiz." in notes(agent)
    assert "Eigene vertrauliche Notiz." not in notes(other_team_agent)


def _grow(customer: Customer, agent, n: int) -> None:
    for i in range(n):
        interaction_record(customer=customer, channel="email", direction="inbound", subject=f"S{i}")
        services.contact_point_add(actor=agent, customer=customer, data=ContactPointInput(
            kind="email", value=f"kontakt{i}@druckerei.example"))
        services.site_add(actor=agent, organisation=customer, data=factories.site_input(
            f"Filiale {i}", iban=""))
        services.holding_add(actor=agent, customer=customer,
                             data=HoldingInput(kind="device", name=f"D{i}"))
        services.note_add(actor=agent, customer=customer, text=f"Notiz {i}")


def test_360_costs_the_same_queries_for_one_or_fifty_of_everything(api, agent):
    small = factories.organisation(agent, name="Klein AG")
    large = factories.organisation(agent, name="Groß AG")
    _grow(small, agent, 1)
    _grow(large, agent, 50)
    api.get(f"{small.pk}")  # token use is recorded once a minute: keep that write out of the count

    def count(customer: Customer) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"{customer.pk}").status_code == 200
        return len(queries)

    assert count(small) == count(large)
    assert count(large) <= 16


# --- Changing the profile -------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, agent):
    hans = factories.person(agent, title="Dr.")
    response = api.patch(f"{hans.pk}", {"first_name": "Johannes"})
    assert response.status_code == 200
    body = response.json()
    assert body["display_name"] == "Dr. Johannes Müller"
    assert body["version"] == 2 and response["ETag"] == 'W/"2"'
    hans.refresh_from_db()
    assert (hans.first_name, hans.title, hans.last_name) == ("Johannes", "Dr.", "Müller")


def test_patch_with_null_empties_a_text_field(api, agent):
    hans = factories.person(agent, title="Dr.")
    assert api.patch(f"{hans.pk}", {"title": None}).json()["display_name"] == "Hans Müller"


@pytest.mark.parametrize("how", ["if_match", "weak_if_match", "body"])
def test_patch_with_the_version_read_succeeds(api, agent, how):
    hans = factories.person(agent)
    tags = {"if_match": '"1"', "weak_if_match": 'W/"1"'}
    headers = {"If-Match": tags[how]} if how in tags else {}
    body = {"last_name": "Maier", **({"version": 1} if how == "body" else {})}
    assert api.patch(f"{hans.pk}", body, headers=headers).status_code == 200


@pytest.mark.parametrize("how", ["if_match", "body"])
def test_patch_with_a_stale_version_is_a_conflict_and_changes_nothing(api, agent, how):
    hans = factories.person(agent)
    etag = api.get(f"{hans.pk}")["ETag"]
    api.patch(f"{hans.pk}", {"first_name": "Johannes"}, headers={"If-Match": etag})
    stale = {"If-Match": etag} if how == "if_match" else {}
    body = {"last_name": "Maier", **({"version": 1} if how == "body" else {})}
    response = api.patch(f"{hans.pk}", body, headers=stale)
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"
    hans.refresh_from_db()
    assert hans.last_name == "Müller" and hans.version == 2


def test_malformed_if_match_is_a_field_error(api, agent):
    hans = factories.person(agent)
    response = api.patch(f"{hans.pk}", {"last_name": "Maier"}, headers={"If-Match": "yesterday"})
    assert response.status_code == 422
    assert errors_of(response) == {"If-Match": "invalid_etag"}


def test_kind_cannot_change(api, agent):
    hans = factories.person(agent)
    response = api.patch(f"{hans.pk}", {"kind": "organisation", "name": "Müller GmbH"})
    assert response.status_code == 422
    assert errors_of(response) == {"kind": "immutable"}
    assert api.patch(f"{hans.pk}", {"kind": "person"}).status_code == 200


def test_patch_to_a_taken_number_is_refused(api, agent):
    factories.person(agent, number="K-1")
    hans = factories.person(agent, first_name="Hans")
    response = api.patch(f"{hans.pk}", {"number": "K-1"})
    assert errors_of(response) == {"number": "duplicate_number"}


def test_patch_validates_like_create(api, agent):
    hans = factories.person(agent)
    response = api.patch(f"{hans.pk}", {"last_name": "", "website": "no url", "status": "gone"})
    assert response.status_code == 422
    assert errors_of(response) == {"status": "invalid_choice"}  # types first
    response = api.patch(f"{hans.pk}", {"last_name": "", "website": "no url"})
    assert errors_of(response) == {"last_name": "required", "website": "invalid_url"}


def test_unknown_customer_is_a_json_404(api):
    for path in ("999999", "999999/sites", "abc", str(2**70)):
        response = api.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_contact_points_of_the_360_are_the_customers_only(api, agent):
    hans = factories.person(agent)
    factories.person(agent, first_name="Erika", emails=["erika@example.de"], phones=[])
    values = {p["value"] for p in api.get(f"{hans.pk}").json()["contact_points"]}
    assert "erika@example.de" not in values
    assert ContactPoint.objects.filter(customer=hans).count() == len(values)
