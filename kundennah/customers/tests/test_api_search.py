"""GET /customers finds a customer however the caller types what they know, like the UI."""

from __future__ import annotations

import pytest

from kundennah.customers.tests import factories
from kundennah.customers.tests.test_api_client import api_fixture  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def found(api, query: str, **params: str) -> list[dict]:
    response = api.query("", q=query, **params)
    assert response.status_code == 200, response.content
    return response.json()["items"]


def numbers(api, query: str, **params: str) -> list[str]:
    return [item["number"] for item in found(api, query, **params)]


@pytest.fixture
def hans(agent):
    return factories.person(agent, first_name="Hans", last_name="Müller",
                            emails=["hans.mueller@example.de"], phones=["030 1234567"])


@pytest.fixture
def druckerei(agent):
    return factories.organisation(agent, name="Druckerei Sonnenschein", sites=[
        factories.site_input("Filiale Schwabing", postal_code="80331", city="München",
                             iban=factories.IBAN_SPARKASSE),
    ])


@pytest.mark.parametrize("typed", ["030 1234567", "+49 30 1234567", "0049301234567",
                                   "030/123 45 67"])
def test_phone_in_any_format_finds_the_same_customer(api, hans, typed):
    items = found(api, typed)
    assert [i["number"] for i in items] == [hans.number]
    assert items[0]["matched_on"] == "phone"
    assert items[0]["matched_detail"] == "+49 30 1234567"


@pytest.mark.parametrize("typed", ["Mueller", "Müller", "MULLER", "hans müller", "Muel"])
def test_name_with_or_without_umlauts_finds_mueller(api, hans, typed):
    items = found(api, typed)
    assert hans.number in [i["number"] for i in items]
    assert items[0]["matched_on"] == "name"


def test_email_finds_the_customer(api, hans):
    items = found(api, "Hans.Mueller@example.de")
    assert [i["number"] for i in items] == [hans.number]
    assert items[0]["matched_on"] == "email"


def test_customer_number_finds_the_customer(api, hans):
    assert numbers(api, hans.number) == [hans.number]
    assert found(api, hans.number)[0]["matched_on"] == "number"


def test_postcode_of_address_or_site_finds_the_customer(api, hans, druckerei):
    assert numbers(api, "10115") == [hans.number]
    assert numbers(api, "80331") == [druckerei.number]
    assert found(api, "80331")[0]["matched_on"] == "postcode"


def test_site_name_finds_its_organisation(api, druckerei):
    items = found(api, "Schwabing")
    assert [i["number"] for i in items] == [druckerei.number]
    assert items[0]["matched_on"] == "site"


def test_iban_finds_the_customer_and_is_shown_masked_only(api, druckerei):
    response = api.query("", q="DE02 1203 0000 0000 2020 51")
    items = response.json()["items"]
    assert [i["number"] for i in items] == [druckerei.number]
    assert items[0]["matched_on"] == "iban"
    assert items[0]["matched_detail"] == "DE02 **** **** **** **20 51"
    assert "DE02120300000000202051" not in response.content.decode()


def test_items_carry_what_tells_namesakes_apart(api, hans):
    item = found(api, "Müller")[0]
    assert item["primary_email"] == "hans.mueller@example.de"
    assert item["primary_phone"] == "+49 30 1234567"
    assert item["url"].endswith(f"/api/v1/customers/{hans.pk}")
    assert item["kind"] == "person" and item["status"] == "active"


def test_kind_narrows_the_search(api, agent, hans):
    org = factories.organisation(agent, name="Müller Druck")
    assert set(numbers(api, "Müller")) == {hans.number, org.number}
    assert numbers(api, "Müller", kind="organisation") == [org.number]


def test_a_page_of_one_kind_is_full_even_when_the_other_kind_matches_first(api, agent):
    people = [factories.person(agent, first_name=f"Eva{i}", last_name="Müller") for i in range(3)]
    orgs = [factories.organisation(agent, name=f"Müller Bau {i}") for i in range(2)]
    found_orgs = numbers(api, "Müller", kind="organisation", limit="2")
    assert sorted(found_orgs) == sorted(o.number for o in orgs)
    assert len(numbers(api, "Müller", kind="person", limit="3")) == len(people)


def test_nothing_found_is_an_empty_list(api, hans):
    assert found(api, "Zzyzx") == []


def test_without_a_query_the_newest_customers_come_first(api, agent, hans, druckerei):
    response = api.get("?limit=1")
    items = response.json()["items"]
    assert [i["number"] for i in items] == [druckerei.number]
    assert items[0]["matched_on"] is None
    assert items[0]["primary_email"] == "info@druckerei.example"
    assert items[0]["primary_phone"] == "+49 89 4567890"
    assert [i["number"] for i in api.get("?kind=person").json()["items"]] == [hans.number]


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "kind=robot",
                                   "q=" + "a" * 201])
def test_bad_parameters_are_field_errors(api, query):
    response = api.get(f"?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == query.split("=")[0]


def test_the_list_costs_a_fixed_number_of_queries(api, agent, django_assert_max_num_queries):
    for i in range(30):
        factories.person(agent, first_name=f"Kunde{i}", emails=[f"k{i}@example.de"], phones=[])
    api.get("")  # the token's first use is recorded; later calls only read
    with django_assert_max_num_queries(6):
        assert len(api.get("?limit=30").json()["items"]) == 30
    with django_assert_max_num_queries(8):
        assert len(found(api, "Müller", limit="30")) == 30
