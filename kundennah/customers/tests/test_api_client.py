"""The API as a client sees it: a bearer token per persona, JSON in and out.

Shared by the ``test_api_*`` modules (fixtures are imported from here).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from kundennah.accounts.models import User
from kundennah.accounts.tokens import api_token_create

BASE = "/api/v1/customers"


def url(path: str) -> str:
    """``""`` is the collection, ``"7/sites"`` is below it, ``"/api/v1/"`` stays as it is."""
    if path.startswith("/"):
        return path
    return f"{BASE}/{path}" if path and not path.startswith("?") else f"{BASE}{path}"


class Api:
    """A client that speaks JSON with a bearer token (or without one, for anonymous)."""

    def __init__(self, user: User | None = None, *, language: str | None = None):
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = api_token_create(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {raw}"
        if language:
            self.headers["Accept-Language"] = language

    def _send(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
              raw: str | bytes | None = None) -> Any:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **(headers or {})}}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        return call(url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self._send("get", path, **kwargs)

    def query(self, path: str, **params: Any) -> Any:
        """GET with query parameters, encoded by the test client (cursors contain ``+``)."""
        return self.client.get(url(path), params, headers=self.headers)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self._send("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self._send("patch", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self._send("delete", path, **kwargs)


def errors_of(response: Any) -> dict[str, str]:
    """``{field: code}`` of a 422 answer."""
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def site_body(name: str = "Werk Augsburg", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "code": name.split()[-1][:3].upper(),
        "delivery_address": {"street": "Hauptstraße 5", "postal_code": "86150", "city": "Augsburg"},
        "iban": "DE89 3704 0044 0532 0130 00",
        "mandate_reference": "MANDAT-" + name.split()[-1][:3].upper().replace("Ü", "UE"),
        "mandate_signed_on": "2024-03-01",
    }
    body.update(extra)
    return body


def organisation_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "organisation",
        "name": "Druckerei Beispiel",
        "legal_form": "GmbH",
        "emails": ["info@druckerei.example"],
        "phones": ["089 4567890"],
        "sites": [site_body("Werk Augsburg"), site_body("Lager München", code="MUC",
                                                           iban="DE02120300000000202051")],
    }
    body["sites"][1]["delivery_address"] = {
        "street": "Lagerweg 2", "postal_code": "80331", "city": "München"
    }
    body.update(extra)
    return body


def person_body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "first_name": "Hans",
        "last_name": "Müller",
        "emails": ["hans.mueller@example.de"],
        "phones": ["030 1234567"],
        "addresses": [{"street": "Invalidenstraße 1", "postal_code": "10115", "city": "Berlin"}],
    }
    body.update(extra)
    return body


@pytest.fixture(name="api")
def api_fixture(agent) -> Api:
    return Api(agent)
