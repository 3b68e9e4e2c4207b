"""Who may call what: every endpoint × every persona.

Customers are shared by all staff (agents of every team, team leads, admins). Nobody else
learns anything: anonymous callers get 401, customer contacts 403 on the collection and 404
on any customer (a 403 would confirm that the customer exists).
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import client_for
from kundennah.customers import services
from kundennah.customers.inputs import ContactPointInput, HoldingInput
from kundennah.customers.tests import factories
from kundennah.customers.tests.test_api_client import Api, person_body, site_body

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "customer_contact", "agent", "other_team_agent", "team_lead", "admin_user"]

# (method, path, body, status for staff). Paths are filled from the world below.
ENDPOINTS: list[tuple[str, str, Any, int]] = [
    ("get", "", None, 200),
    ("post", "", person_body(), 201),
    ("get", "{org}", None, 200),
    ("patch", "{org}", {"legal_form": "AG"}, 200),
    ("get", "{org}/contact-points", None, 200),
    ("post", "{org}/contact-points", {"kind": "email", "value": "neu@example.de"}, 201),
    ("patch", "{org}/contact-points/{point}", {"label": "work"}, 200),
    ("delete", "{org}/contact-points/{point}", None, 204),
    ("post", "{org}/contact-points/{point}/primary", None, 200),
    ("get", "{org}/sites", None, 200),
    ("post", "{org}/sites", site_body("Lager Kiel", code="KIE"), 201),
    ("get", "{org}/sites/{site}", None, 200),
    ("patch", "{org}/sites/{site}", {"name": "Werk Nord"}, 200),
    ("get", "{org}/holdings", None, 200),
    ("post", "{org}/holdings", {"kind": "device", "name": "Drucker"}, 201),
    ("patch", "{org}/holdings/{holding}", {"status": "suspended"}, 200),
    ("get", "{org}/consents", None, 200),
    ("post", "{org}/consents", {"channel": "email", "purpose": "newsletter", "granted": True}, 201),
    ("get", "{org}/notes", None, 200),
    ("post", "{org}/notes", {"text": "Ruft abends an."}, 201),
    ("get", "{org}/timeline", None, 200),
    ("post", "{org}/timeline", {"channel": "phone", "direction": "inbound", "subject": "Frage"},
     201),
]
COLLECTION = {("get", ""), ("post", "")}


@pytest.fixture
def world(agent) -> dict[str, int]:
    org = factories.organisation(agent)
    point = services.contact_point_add(actor=agent, customer=org, data=ContactPointInput(
        kind="email", value="zweit@druckerei.example"))
    holding = services.holding_add(actor=agent, customer=org,
                                   data=HoldingInput(kind="account", name="Konto"))
    return {"org": org.pk, "point": point.pk, "site": factories.first_site(org).pk,
            "holding": holding.pk}


def expected(persona: str, method: str, path: str, staff_status: int) -> tuple[int, str | None]:
    if persona == "anonymous":
        return 401, "unauthorized"
    if persona == "customer_contact":
        return (403, "forbidden") if (method, path) in COLLECTION else (404, "not_found")
    return staff_status, None


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body", "staff_status"), ENDPOINTS,
                         ids=[f"{m.upper()} /{p}" for m, p, _b, _s in ENDPOINTS])
def test_permission_matrix(request, world, persona, method, path, body, staff_status):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    api = Api(user)
    response = getattr(api, method)(path.format(**world), **({"body": body} if body else {}))
    status, code = expected(persona, method, path, staff_status)
    assert response.status_code == status, response.content
    if code is not None:
        assert response.json()["code"] == code


def test_a_signed_in_session_works_like_a_token(agent, world):
    client = client_for(agent)
    assert client.get(f"/api/v1/customers/{world['org']}").status_code == 200
    response = client.post("/api/v1/customers", person_body(), content_type="application/json")
    assert response.status_code == 201


def test_a_customer_contacts_session_sees_nothing(customer_contact, world):
    client = client_for(customer_contact)
    assert client.get("/api/v1/customers").status_code == 403
    assert client.get(f"/api/v1/customers/{world['org']}").status_code == 404
