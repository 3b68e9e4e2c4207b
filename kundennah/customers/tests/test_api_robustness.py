"""No input makes the API fail: every bad request is a 4xx in the one error format."""

from __future__ import annotations

import json

import pytest

from kundennah.customers.models import Customer
from kundennah.customers.tests import factories
from kundennah.customers.tests.test_api_client import (  # noqa: F401 (fixture)
    api_fixture,
    errors_of,
    organisation_body,
    person_body,
    site_body,
)

pytestmark = pytest.mark.django_db


def assert_error_format(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["message"]
    return body


@pytest.mark.parametrize("raw", ["{", "{'kind': 'person'}", "kind=person", "\xff\xfe", '{"a": NaN'])
def test_malformed_json_is_a_400(api, raw):
    body = assert_error_format(api.post("", raw=raw.encode("latin-1")), 400)
    assert body["code"] == "invalid_json"


@pytest.mark.parametrize("raw", ["[]", '"person"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_a_422(api, raw):
    assert_error_format(api.post("", raw=raw), 422)


@pytest.mark.parametrize(("field", "value"), [
    ("last_name", "M" * 100_000),
    ("first_name", "\x00"),
    ("last_name", "Mü\x00ller"),
    ("title", "\ud800"),
    ("emails", ["a" * 400 + "@example.de"]),
    ("phones", ["0" * 60]),
    ("phones", [12345]),
    ("emails", ["x@example.de"] * 21),
    ("birth_date", "1970-13-45"),
    ("birth_date", 10**30),
    ("number", "K" * 21),
])
def test_huge_odd_or_unstorable_values_are_field_errors(api, field, value):
    body = assert_error_format(api.post("", person_body(**{field: value})), 422)
    assert body["errors"][0]["field"].startswith(field)
    assert not Customer.objects.exists()


def test_nul_inside_a_nested_site_is_a_field_error(api):
    body = organisation_body()
    body["sites"][1]["delivery_address"]["city"] = "Mün\x00chen"
    assert errors_of(api.post("", body)) == {"sites[1].delivery_address.city": "invalid_characters"}


def test_a_website_that_becomes_too_long_is_a_field_error(api):
    response = api.post("", person_body(website="mueller.example/" + "a" * 184))
    assert errors_of(response) == {"website": "too_long"}


def test_an_organisation_with_the_longest_name_gets_sites_and_accounts(api):
    body = organisation_body(name="N" * 200, legal_form="L" * 50)
    response = api.post("", body)
    assert response.status_code == 201, response.json()
    site = response.json()["sites"][0]
    assert len(site["delivery_address"]["recipient"]) <= 200
    assert len(site["bank_account"]["holder"]) <= 200


def test_a_body_beyond_the_upload_limit_is_a_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = assert_error_format(api.post("", raw=json.dumps(person_body(last_name="M" * 2000))), 413)
    assert body["code"] == "too_large"


@pytest.mark.parametrize("path", ["0", "-1", "abc", "1.5", str(2**63), str(2**80)])
def test_ids_that_name_nothing_are_404(api, path):
    assert_error_format(api.get(path), 404)
    assert_error_format(api.patch(path, {"title": "Dr."}), 404)


def test_sub_resource_ids_that_name_nothing_are_404(api, agent):
    org = factories.organisation(agent)
    for path in (f"{org.pk}/sites/0", f"{org.pk}/sites/{2**70}", f"{org.pk}/sites/x",
                 f"{org.pk}/holdings/99999"):
        assert_error_format(api.get(path) if "/sites/" in path else api.patch(path, {}), 404)


def test_wrong_content_type_is_an_error_not_a_crash(api):
    response = api.client.post("/api/v1/customers", data="kind=person&last_name=M",
                               content_type="application/x-www-form-urlencoded",
                               headers=api.headers)
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize("q", ["\x00", "%", "+", "@", "DE", "0049", "K-", "ü" * 200,
                               "a b c d e f g", "' OR 1=1 --", "\U0001f600"])
def test_any_search_text_answers(api, q):
    assert api.query("", q=q).status_code in (200, 422)


def test_idempotency_key_must_be_sensible(api):
    response = api.post("", person_body(), headers={"Idempotency-Key": "k" * 201})
    assert errors_of(response) == {"Idempotency-Key": "too_long"}


@pytest.mark.parametrize(("method", "path", "status"), [
    ("put", "/api/v1/customers", 405), ("delete", "/api/v1/customers/1", 405),
    ("get", "/api/v1/customers/", 404), ("post", "/api/v1/nowhere", 404),
])
def test_unknown_paths_and_methods_answer_in_the_error_format(api, method, path, status):
    body = assert_error_format(getattr(api.client, method)(path, headers=api.headers), status)
    assert body["code"] == {404: "not_found", 405: "method_not_allowed"}[status]
