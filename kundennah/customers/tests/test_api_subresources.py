"""Below a customer: contact points, sites, holdings, consents, notes and the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kundennah.customers import services
from kundennah.customers.inputs import HoldingInput
from kundennah.customers.models import BankAccount, ContactPoint, Holding, Site
from kundennah.customers.tests import factories
from kundennah.customers.tests.test_api_client import (  # noqa: F401 (fixture)
    api_fixture,
    errors_of,
    site_body,
)
from kundennah.timeline.models import Interaction
from kundennah.timeline.services import interaction_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def hans(agent):
    return factories.person(agent)


@pytest.fixture
def org(agent):
    return factories.organisation(agent)


# --- Contact points -------------------------------------------------------------------------


def test_contact_point_added_normalised_and_listed(api, hans):
    response = api.post(f"{hans.pk}/contact-points",
                        {"kind": "phone", "value": "0171 2345678", "is_primary": True})
    assert response.status_code == 201
    point = response.json()
    assert point["value"] == "+491712345678" and point["label"] == "mobile"
    assert point["is_primary"] is True
    listed = api.get(f"{hans.pk}/contact-points").json()
    primaries = [p["value"] for p in listed if p["kind"] == "phone" and p["is_primary"]]
    assert primaries == ["+491712345678"]


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"kind": "email", "value": "kein-at"}, "value", "invalid_email"),
    ({"kind": "phone", "value": "12"}, "value", "invalid_phone"),
    ({"kind": "email", "value": "hans.mueller@example.de"}, "value", "duplicate_contact_point"),
    ({"kind": "postal", "address": {"street": "Weg 1", "postal_code": "999", "city": "Berlin"}},
     "address.postal_code", "invalid_postal_code"),
    ({"kind": "postal"}, "address", "required"),
    ({"kind": "social", "network": "", "value": "@hans"}, "network", "required"),
    ({"kind": "fax", "value": "030 1"}, "kind", "invalid_choice"),
])
def test_invalid_contact_point_is_refused(api, hans, body, field, code):
    response = api.post(f"{hans.pk}/contact-points", body)
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()


def test_contact_point_patch_changes_the_fields_sent(api, hans):
    point = ContactPoint.objects.get(customer=hans, kind="email")
    response = api.patch(f"{hans.pk}/contact-points/{point.pk}",
                         {"value": "hans@neu.example", "label": "work"})
    assert response.status_code == 200, response.json()
    assert (response.json()["value"], response.json()["label"]) == ("hans@neu.example", "work")
    response = api.patch(f"{hans.pk}/contact-points/{point.pk}", {"label": "private", "version": 1})
    assert response.status_code == 409 and response.json()["code"] == "version_conflict"
    response = api.patch(f"{hans.pk}/contact-points/{point.pk}", {"kind": "phone"})
    assert errors_of(response) == {"kind": "immutable"}


def test_postal_and_social_contact_points_patch_keep_what_was_not_sent(api, hans):
    postal = ContactPoint.objects.get(customer=hans, kind="postal")
    response = api.patch(f"{hans.pk}/contact-points/{postal.pk}", {"label": "billing"})
    assert response.json()["address"]["city"] == "Berlin"
    social = api.post(f"{hans.pk}/contact-points",
                      {"kind": "social", "network": "mastodon", "value": "@hans@example.social"})
    response = api.patch(f"{hans.pk}/contact-points/{social.json()['id']}", {"label": "private"})
    assert response.json()["value"] == "mastodon:@hans@example.social"


def test_make_primary_and_delete(api, hans):
    second = api.post(f"{hans.pk}/contact-points",
                      {"kind": "email", "value": "zweit@example.de"}).json()
    assert second["is_primary"] is False
    response = api.post(f"{hans.pk}/contact-points/{second['id']}/primary")
    assert response.status_code == 200 and response.json()["is_primary"] is True
    response = api.delete(f"{hans.pk}/contact-points/{second['id']}")
    assert response.status_code == 204
    remaining = ContactPoint.objects.get(customer=hans, kind="email")
    assert remaining.is_primary  # the other address took over


def test_contact_points_of_another_customer_are_not_found(api, agent, hans):
    erika = factories.person(agent, first_name="Erika", emails=["erika@example.de"], phones=[])
    foreign = ContactPoint.objects.filter(customer=erika).first()
    for response in (
        api.patch(f"{hans.pk}/contact-points/{foreign.pk}", {"label": "work"}),
        api.delete(f"{hans.pk}/contact-points/{foreign.pk}"),
        api.post(f"{hans.pk}/contact-points/{foreign.pk}/primary"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert ContactPoint.objects.filter(pk=foreign.pk, label="").exists()


# --- Sites ----------------------------------------------------------------------------------


def test_site_added_with_location_and_masked_iban(api, org):
    response = api.post(f"{org.pk}/sites", site_body("Lager Kiel", code="KIE", delivery_address={
        "street": "Hafenstraße 1", "postal_code": "24103", "city": "Kiel"},
        iban=factories.IBAN_POSTBANK, invoice_address={
            "street": "Postfach 12", "postal_code": "24100", "city": "Kiel"}))
    assert response.status_code == 201, response.json()
    site = response.json()
    assert response["Location"].endswith(f"/api/v1/customers/{org.pk}/sites/{site['id']}")
    assert site["bank_account"]["iban_masked"] == "DE02 **** **** **** **01 01"
    assert site["has_own_invoice_address"] is True
    assert api.get(f"{org.pk}/sites/{site['id']}").json() == site
    assert len(api.get(f"{org.pk}/sites").json()) == 2


def test_invalid_iban_of_a_new_site_points_to_iban(api, org):
    response = api.post(f"{org.pk}/sites", site_body("Lager Kiel", iban="DE00 1234"))
    assert errors_of(response) == {"iban": "invalid_iban"}
    assert Site.objects.filter(organisation=org).count() == 1


def test_a_person_has_no_sites(api, hans):
    response = api.post(f"{hans.pk}/sites", site_body())
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "sites_only_for_organisations"
    assert api.get(f"{hans.pk}/sites").json() == []


def test_site_patch_keeps_what_was_not_sent(api, org):
    site = factories.first_site(org)
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"name": "Werk Augsburg-Nord"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "Werk Augsburg-Nord"
    assert body["delivery_address"]["postal_code"] == "86150"
    assert body["bank_account"]["iban_masked"].startswith("DE89")
    assert body["version"] == 2


def test_site_patch_of_bank_fields_and_invoice_address(api, org):
    site = factories.first_site(org)
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"mandate_reference": "NEU-1"})
    assert response.json()["bank_account"]["mandate_reference"] == "NEU-1"
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"iban": factories.IBAN_POSTBANK})
    assert response.json()["bank_account"]["iban_masked"].endswith("01 01")
    assert BankAccount.objects.filter(customer=org).count() == 2
    api.patch(f"{org.pk}/sites/{site.pk}", {"invoice_address": {
        "street": "Postfach 1", "postal_code": "86140", "city": "Augsburg"}})
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"invoice_address": None})
    assert response.json()["has_own_invoice_address"] is False


def test_site_patch_errors_and_conflicts(api, org):
    site = factories.first_site(org)
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"delivery_address": {
        "street": "Weg 1", "postal_code": "1", "city": "Augsburg"}})
    assert errors_of(response) == {"delivery_address.postal_code": "invalid_postal_code"}
    response = api.patch(f"{org.pk}/sites/{site.pk}", {"name": "X"}, headers={"If-Match": 'W/"9"'})
    assert response.status_code == 409


def test_sites_of_another_organisation_are_not_found(api, agent, org):
    other = factories.organisation(agent, name="Andere AG")
    foreign = factories.first_site(other)
    assert api.get(f"{org.pk}/sites/{foreign.pk}").status_code == 404
    assert api.patch(f"{org.pk}/sites/{foreign.pk}", {"name": "Gekapert"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Werk Augsburg"


# --- Holdings -------------------------------------------------------------------------------


def test_holding_added_with_decimal_balance_as_string(api, org):
    site = factories.first_site(org)
    response = api.post(f"{org.pk}/holdings", {
        "kind": "account", "name": "Kundenkonto", "balance": "1234.5", "currency": "eur",
        "site_id": site.pk, "key_figures": {"Kreditlinie": 5000},
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["balance"], body["currency"], body["site_id"]) == ("1234.50", "EUR", site.pk)
    assert body["key_figures"] == {"Kreditlinie": "5000"}
    assert Holding.objects.get().balance == Decimal("1234.50")
    assert api.get(f"{org.pk}/holdings").json() == [body]


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"kind": "boat", "name": "X"}, "kind", "invalid_choice"),
    ({"kind": "device", "name": " "}, "name", "required"),
    ({"kind": "account", "name": "K", "balance": "1.234"}, "balance", "too_many_decimal_places"),
    ({"kind": "account", "name": "K", "balance": "1e13"}, "balance", "out_of_range"),
    ({"kind": "account", "name": "K", "balance": "NaN"}, "balance", "invalid_number"),
    ({"kind": "account", "name": "K", "currency": "XYZ"}, "currency", "invalid_currency"),
    ({"kind": "contract", "name": "V", "started_on": "2024-02-01", "ends_on": "2024-01-01"},
     "ends_on", "before_start"),
])
def test_invalid_holding_is_refused(api, org, body, field, code):
    response = api.post(f"{org.pk}/holdings", body)
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()


def test_holding_of_a_foreign_site_is_refused(api, agent, org):
    other_site = factories.first_site(factories.organisation(agent, name="Andere AG"))
    response = api.post(f"{org.pk}/holdings", {"kind": "device", "name": "Drucker",
                                                "site_id": other_site.pk})
    assert errors_of(response) == {"site_id": "foreign_site"}


def test_holding_patch(api, agent, org):
    holding = services.holding_add(actor=agent, customer=org, data=HoldingInput(
        kind="account", name="Konto", balance=Decimal("10.00")))
    response = api.patch(f"{org.pk}/holdings/{holding.pk}", {"status": "in_arrears",
                                                             "balance": -50})
    assert response.status_code == 200, response.json()
    assert (response.json()["status"], response.json()["balance"]) == ("in_arrears", "-50.00")
    assert response.json()["name"] == "Konto"
    stale = api.patch(f"{org.pk}/holdings/{holding.pk}", {"balance": 0},
                      headers={"If-Match": '"1"'})
    assert stale.status_code == 409
    other = factories.person(agent, first_name="Erika", emails=[], phones=[])
    assert api.patch(f"{other.pk}/holdings/{holding.pk}", {"balance": 0}).status_code == 404


# --- Consents and notes ---------------------------------------------------------------------


def test_consents_recorded_newest_counts_history_kept(api, hans):
    first = api.post(f"{hans.pk}/consents", {"channel": "email", "purpose": "newsletter",
                                             "granted": True, "source": "webform"})
    assert first.status_code == 201 and first.json()["recorded_by"] == "Anna Agent"
    api.post(f"{hans.pk}/consents", {"channel": "email", "purpose": "newsletter", "granted": False})
    current = api.get(f"{hans.pk}/consents").json()
    assert [(c["granted"], c["source"]) for c in current] == [(False, "api")]
    assert len(api.get(f"{hans.pk}/consents?history=true").json()) == 2


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"channel": "pigeon", "purpose": "newsletter", "granted": True}, "channel", "invalid_choice"),
    ({"channel": "email", "purpose": "newsletter"}, "granted", "required"),
    ({"channel": "email", "purpose": "newsletter", "granted": True,
      "recorded_at": "2020-01-01T10:00:00"}, "recorded_at", "naive_datetime"),
    ({"channel": "email", "purpose": "newsletter", "granted": True,
      "recorded_at": "2999-01-01T10:00:00+01:00"}, "recorded_at", "in_future"),
])
def test_invalid_consent_is_refused(api, hans, body, field, code):
    response = api.post(f"{hans.pk}/consents", body)
    assert errors_of(response).get(field) == code, response.json()


def test_notes_added_and_sensitive_ones_hidden_from_other_agents(api, hans, other_team_agent):
    from kundennah.customers.tests.test_api_client import Api

    assert api.post(f"{hans.pk}/notes", {"text": "Ruft lieber abends an."}).status_code == 201
    response = api.post(f"{hans.pk}/notes", {"text": "Pflegt seine Mutter.", "is_sensitive": True})
    assert response.status_code == 201 and response.json()["author"] == "Anna Agent"
    assert len(api.get(f"{hans.pk}/notes").json()) == 2
    visible = Api(other_team_agent).get(f"{hans.pk}/notes").json()
    assert [n["text"] for n in visible] == ["Ruft lieber abends an."]
    assert errors_of(api.post(f"{hans.pk}/notes", {"text": "  "})) == {"text": "required"}


# --- Timeline -------------------------------------------------------------------------------


def test_contact_recorded_on_the_timeline(api, org):
    site = factories.first_site(org)
    response = api.post(f"{org.pk}/timeline", {
        "channel": "phone", "direction": "inbound", "subject": "Toner bestellt",
        "summary": "Ruft wegen Toner an.", "site_id": site.pk,
        "occurred_at": "2024-05-06T10:15:00+02:00",
    })
    assert response.status_code == 201, response.json()
    item = response.json()
    assert (item["site_name"], item["actor"]) == ("Werk Augsburg", "Anna Agent")
    assert dt.datetime.fromisoformat(item["occurred_at"]) == dt.datetime(
        2024, 5, 6, 8, 15, tzinfo=dt.UTC)
    assert api.get(f"{org.pk}").json()["recent_timeline"][0]["id"] == item["id"]


def test_external_key_makes_recording_idempotent(api, agent, org):
    body = {"channel": "email", "direction": "inbound", "subject": "Rechnung",
            "external_key": "imap:4711"}
    first = api.post(f"{org.pk}/timeline", body).json()
    again = api.post(f"{org.pk}/timeline", body).json()
    assert first["id"] == again["id"]
    assert Interaction.objects.count() == 1
    other = factories.person(agent)
    response = api.post(f"{other.pk}/timeline", body)
    assert errors_of(response) == {"external_key": "external_key_taken"}


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"channel": "pigeon", "direction": "inbound", "subject": "x"}, "channel", "invalid_choice"),
    ({"channel": "email", "direction": "inbound"}, "summary", "required"),
    ({"channel": "email", "direction": "inbound", "subject": "x",
      "occurred_at": "2999-01-01T00:00:00+00:00"}, "occurred_at", "in_future"),
    ({"channel": "email", "direction": "inbound", "subject": "x",
      "occurred_at": "0001-01-01T00:00:00+05:00"}, "occurred_at", "out_of_range"),
    ({"channel": "email", "direction": "inbound", "subject": "x", "site_id": 10**12},
     "site_id", "foreign_site"),
])
def test_invalid_contact_is_refused(api, org, body, field, code):
    response = api.post(f"{org.pk}/timeline", body)
    assert response.status_code == 422
    assert errors_of(response).get(field) == code, response.json()


def test_timeline_pages_with_a_cursor_and_filters_by_channel(api, org):
    now = timezone.now()
    for i in range(7):
        interaction_record(customer=org, channel="email" if i % 2 else "phone", direction="inbound",
                           subject=f"K{i}", occurred_at=now - dt.timedelta(hours=i))
    first = api.get(f"{org.pk}/timeline?limit=3").json()
    assert [i["subject"] for i in first["items"]] == ["K0", "K1", "K2"]
    second = api.query(f"{org.pk}/timeline", limit=3, cursor=first["next_cursor"]).json()
    assert [i["subject"] for i in second["items"]] == ["K3", "K4", "K5"]
    third = api.query(f"{org.pk}/timeline", limit=3, cursor=second["next_cursor"]).json()
    assert [i["subject"] for i in third["items"]] == ["K6"] and third["next_cursor"] is None
    phone = api.get(f"{org.pk}/timeline?channel=phone").json()
    assert [i["subject"] for i in phone["items"]] == ["K0", "K2", "K4", "K6"]


@pytest.mark.parametrize("query", ["cursor=garbage", "cursor=0001-01-01T00:00:00%2B05:00|3",
                                   "channel=pigeon", "limit=0"])
def test_bad_timeline_parameters_are_field_errors(api, org, query):
    response = api.get(f"{org.pk}/timeline?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]
