"""Concerns over the JSON API: intake, lists, conversation, status, assignment, callbacks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kundennah.customers.tests import factories as customer_factories
from kundennah.customers.tests.test_api_client import Api, errors_of
from kundennah.service.models import Concern, Message
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db

BASE = "/api/v1/concerns"
BERLIN = ZoneInfo("Europe/Berlin")


def concern_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "channel": "phone",
        "contact": {"name": "Erika Mustermann", "email": "erika@example.org", "phone": "030 1234567"},
        "subject": "Zählerstand falsch übernommen",
        "body": "Der Zählerstand auf meiner Rechnung stimmt nicht.",
    }
    body.update(overrides)
    return body


@pytest.fixture
def api(agent, other_team_agent) -> Api:
    # Both teams exist: new concerns go to the agent's team (first by name).
    return Api(agent)


# --- Intake ---------------------------------------------------------------------------------


def test_agent_logs_a_concern_and_gets_the_promise_in_berlin_time(api, agent):
    received = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)  # a Friday
    response = api.post(BASE, concern_body(received_at=received.isoformat()))
    assert response.status_code == 201, response.json()
    body = response.json()
    concern = Concern.objects.get()
    assert body["id"] == concern.pk and body["reference"] == concern.reference
    assert body["status"] == "new"
    assert body["team"]["name"] == "Service Nord"
    assert body["assignee"]["id"] == agent.pk
    assert body["url"] == response["Location"] == f"http://testserver{BASE}/{concern.pk}"
    due = dt.datetime.fromisoformat(body["first_response_due_at"])
    assert due.utcoffset() == timezone.localtime(concern.first_response_due_at, BERLIN).utcoffset()
    assert due == concern.first_response_due_at
    assert concern.received_at == received


def test_concern_for_a_known_customer_and_site(api, agent):
    org = customer_factories.organisation(agent)
    site = org.sites.first()
    response = api.post(BASE, concern_body(customer_id=org.pk, site_id=site.pk, contact=None))
    assert response.status_code == 201, response.json()
    assert response.json()["customer_id"] == org.pk
    assert response.json()["site_id"] == site.pk


def test_unknown_customer_and_site_are_field_errors(api):
    response = api.post(BASE, concern_body(customer_id=999_999, site_id=5))
    assert response.status_code == 422
    assert errors_of(response) == {"customer_id": "unknown_customer", "site_id": "site_without_customer"}
    assert not Concern.objects.exists()


def test_a_site_of_another_customer_is_refused(api, agent):
    org = customer_factories.organisation(agent)
    other = customer_factories.organisation(agent, name="Andere GmbH")
    response = api.post(BASE, concern_body(customer_id=org.pk, site_id=other.sites.first().pk))
    assert response.status_code == 422
    assert errors_of(response) == {"site_id": "foreign_site"}


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"channel": "pigeon"}, "channel", "invalid_choice"),
    ({"received_at": "2026-11-20T09:30:00"}, "received_at", "invalid"),
    ({"contact": None, "subject": "", "body": ""}, "body", "required"),
    ({"priority": "whenever"}, "priority", "invalid_choice"),
    ({"colour": "blue"}, "colour", "unknown_field"),
])
def test_bad_input_is_a_field_error_and_creates_nothing(api, overrides, field, code):
    response = api.post(BASE, concern_body(**overrides))
    assert response.status_code == 422, response.json()
    errors = errors_of(response)
    assert field in errors
    if code != "invalid":
        assert errors[field] == code
    assert not Concern.objects.exists()


def test_broken_json_is_a_400(api):
    response = api.post(BASE, raw="{not json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_json"


def test_same_idempotency_key_returns_the_same_concern(api):
    headers = {"Idempotency-Key": "call-4711"}
    first = api.post(BASE, concern_body(), headers=headers)
    again = api.post(BASE, concern_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Concern.objects.count() == 1


def test_same_idempotency_key_with_another_body_is_refused(api):
    headers = {"Idempotency-Key": "call-4711"}
    api.post(BASE, concern_body(), headers=headers)
    response = api.post(BASE, concern_body(subject="Etwas anderes"), headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Concern.objects.count() == 1


def test_a_customer_key_does_not_answer_for_a_concern(api):
    headers = {"Idempotency-Key": "k-1"}
    from kundennah.customers.tests.test_api_client import person_body

    assert api.post("/api/v1/customers", person_body(), headers=headers).status_code == 201
    assert api.post(BASE, concern_body(), headers=headers).status_code == 201


# --- Reading --------------------------------------------------------------------------------


def test_list_filters_and_pages_with_a_cursor(api, agent, django_assert_max_num_queries):
    for n in range(5):
        factories.concern(subject=f"Anliegen {n}", channel="email" if n % 2 else "phone")
    with django_assert_max_num_queries(6):
        page = api.get(f"{BASE}?limit=2").json()
    assert [c["subject"] for c in page["items"]] == ["Anliegen 4", "Anliegen 3"]
    rest = api.get(f"{BASE}?limit=10&cursor={page['next_cursor']}").json()
    assert [c["subject"] for c in rest["items"]] == ["Anliegen 2", "Anliegen 1", "Anliegen 0"]
    assert rest["next_cursor"] is None
    emails = api.get(f"{BASE}?channel=email").json()["items"]
    assert {c["subject"] for c in emails} == {"Anliegen 1", "Anliegen 3"}
    assert [c["subject"] for c in api.get(f"{BASE}?q=anliegen%203").json()["items"]] == ["Anliegen 3"]
    reference = Concern.objects.get(subject="Anliegen 0").reference
    assert [c["subject"] for c in api.get(f"{BASE}?q={reference}").json()["items"]] == ["Anliegen 0"]


def test_overdue_filter_finds_what_is_past_due(api):
    late = factories.concern(subject="Spät", received_at=timezone.now() - dt.timedelta(days=20))
    factories.concern(subject="Frisch")
    items = api.get(f"{BASE}?overdue=true").json()["items"]
    assert [c["id"] for c in items] == [late.pk]


def test_list_page_query_count_does_not_grow_with_the_page(api, django_assert_max_num_queries):
    for n in range(30):
        factories.concern(subject=f"Anliegen {n}")
    with django_assert_max_num_queries(6):
        assert len(api.get(f"{BASE}?limit=30").json()["items"]) == 30


def test_bad_cursor_is_a_422(api):
    assert api.get(f"{BASE}?cursor=abc").status_code == 422


def test_detail_has_an_etag(api):
    concern = factories.concern()
    response = api.get(f"{BASE}/{concern.pk}")
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{concern.version}"'


# --- Conversation, status, assignment -------------------------------------------------------


def test_reply_keeps_the_promise_and_opens_the_concern(api):
    concern = factories.concern()
    response = api.post(f"{BASE}/{concern.pk}/messages", {"kind": "outbound", "body": "Wir prüfen das."})
    assert response.status_code == 201, response.json()
    concern.refresh_from_db()
    assert concern.status == "open" and concern.first_responded_at is not None
    messages = api.get(f"{BASE}/{concern.pk}/messages").json()
    assert [m["kind"] for m in messages] == ["inbound", "outbound"]


def test_internal_note_and_empty_message(api):
    concern = factories.concern()
    assert api.post(f"{BASE}/{concern.pk}/messages", {"kind": "note", "body": "Intern"}).status_code == 201
    response = api.post(f"{BASE}/{concern.pk}/messages", {"kind": "note", "body": "  "})
    assert response.status_code == 422
    assert errors_of(response) == {"body": "required"}


def test_status_change_and_a_transition_not_allowed(api):
    concern = factories.concern()
    assert api.post(f"{BASE}/{concern.pk}/status", {"status": "resolved"}).json()["status"] == "resolved"
    response = api.post(f"{BASE}/{concern.pk}/status", {"status": "waiting_customer"})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["message"] == "Ein Anliegen kann nicht von „Erledigt“ zu „Wartet auf Kunden“ wechseln."


def test_stale_version_is_a_conflict(api):
    concern = factories.concern()
    stale = f'W/"{concern.version}"'
    api.post(f"{BASE}/{concern.pk}/status", {"status": "open"}, headers={"If-Match": stale})
    response = api.post(f"{BASE}/{concern.pk}/status", {"status": "resolved"}, headers={"If-Match": stale})
    assert response.status_code == 409
    assert response.json()["code"] == "version_conflict"


def test_assignment_to_an_agent_of_the_team(api, team_lead, other_team_agent, other_team):
    concern = factories.concern()
    response = api.post(f"{BASE}/{concern.pk}/assignment", {"assignee_id": team_lead.pk})
    assert response.status_code == 200, response.json()
    assert response.json()["assignee"]["id"] == team_lead.pk
    response = api.post(f"{BASE}/{concern.pk}/assignment", {"assignee_id": other_team_agent.pk})
    assert response.status_code == 422
    assert errors_of(response) == {"assignee_id": "not_in_team"}
    response = api.post(f"{BASE}/{concern.pk}/assignment", {"team_id": 999_999})
    assert errors_of(response) == {"team_id": "unknown_team"}
    response = api.post(f"{BASE}/{concern.pk}/assignment", {"team_id": other_team.pk})
    assert response.json()["team"]["id"] == other_team.pk and response.json()["assignee"] is None


# --- Callbacks ------------------------------------------------------------------------------


def test_callback_request_becomes_a_callback_concern(api):
    start = timezone.now() + dt.timedelta(hours=2)
    response = api.post("/api/v1/callbacks", {
        "phone": "0171 2345678", "name": "Hans Müller", "note": "Bitte nachmittags",
        "window_from": start.isoformat(), "window_until": (start + dt.timedelta(hours=2)).isoformat(),
    })
    assert response.status_code == 201, response.json()
    concern = Concern.objects.get()
    assert concern.kind == "callback" and concern.contact_phone == "+491712345678"
    assert response.json()["callback_from"] is not None


def test_callback_window_that_ends_before_it_starts_is_refused(api):
    start = timezone.now() + dt.timedelta(hours=2)
    response = api.post("/api/v1/callbacks", {
        "phone": "0171 2345678", "window_from": start.isoformat(),
        "window_until": (start - dt.timedelta(hours=1)).isoformat(),
    })
    assert response.status_code == 422
    assert errors_of(response) == {"callback_until": "invalid_window"}


# --- Permissions ----------------------------------------------------------------------------


def _calls(concern_id: int, team_id: int = 1) -> list[tuple[str, str, Any]]:
    return [
        ("get", BASE, None),
        ("post", BASE, concern_body()),
        ("get", f"{BASE}/{concern_id}", None),
        ("get", f"{BASE}/{concern_id}/messages", None),
        ("post", f"{BASE}/{concern_id}/messages", {"kind": "note", "body": "Notiz"}),
        ("post", f"{BASE}/{concern_id}/status", {"status": "open"}),
        ("post", f"{BASE}/{concern_id}/assignment", {"team_id": team_id}),
        ("post", "/api/v1/callbacks", {"phone": "0171 2345678"}),
    ]


def _send(api: Api, method: str, path: str, body: Any) -> Any:
    return getattr(api, method)(path, body) if method == "post" else api.get(path)


def test_anonymous_gets_401_everywhere(db):
    for method, path, body in _calls(1):
        response = _send(Api(), method, path, body)
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "unauthorized"


def test_customer_contact_gets_403_everywhere(customer_contact, agent):
    concern = factories.concern()
    for method, path, body in _calls(concern.pk):
        response = _send(Api(customer_contact), method, path, body)
        assert response.status_code == 403, (method, path, response.json())


def test_agent_of_another_team_gets_404_on_the_concern(api, other_team_agent):
    concern = factories.concern()
    outsider = Api(other_team_agent)
    for method, path, body in _calls(concern.pk):
        if not path.startswith(f"{BASE}/{concern.pk}"):
            continue
        assert _send(outsider, method, path, body).status_code == 404, (method, path)
    assert outsider.get(BASE).json()["items"] == []
    assert Message.objects.filter(kind="note").count() == 0


def test_rightful_agent_and_admin_reach_everything(api, admin_user):
    for client in (api, Api(admin_user)):
        concern = factories.concern()
        for method, path, body in _calls(concern.pk, concern.team_id):
            response = _send(client, method, path, body)
            assert 200 <= response.status_code < 300, (method, path, response.json())


def test_openapi_document_builds_with_the_concern_endpoints(db):
    response = Api().get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/concerns", "/api/v1/concerns/{concern_id}/status", "/api/v1/callbacks",
            "/api/v1/webhooks/{webhook_id}/deliveries"} <= set(paths)
    root = Api().get("/api/v1/").json()
    assert root["concerns"].endswith("/api/v1/concerns")
