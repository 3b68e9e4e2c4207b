"""The API keeps its published contract: schemathesis sends generated requests to every
operation of /api/v1/openapi.json through the WSGI app and checks each answer.

No answer may be a 5xx; every answer must have a declared status code, the declared
content type and a body that matches the declared schema. Valid requests run against a real
customer (so bodies reach the services, not only the 404 of an unknown id), invalid ones
(negative mode) must be refused with a 4xx. Examples are few so that it stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kundennah.accounts.tokens import api_token_create
from kundennah.customers import services
from kundennah.customers.inputs import HoldingInput
from kundennah.customers.tests import factories

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}
UNKNOWN_ID_EXAMPLES = 4


@pytest.fixture
def schema(db) -> Iterator[Any]:
    # Like Django's test client: requests must not close the test's connection (and with it
    # its transaction) when they finish.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(agent) -> dict[str, int]:
    org = factories.organisation(agent)
    holding = services.holding_add(actor=agent, customer=org,
                                   data=HoldingInput(kind="device", name="Drucker"))
    return {"customer_id": org.pk, "site_id": factories.first_site(org).pk,
            "contact_point_id": org.contact_points.first().pk, "holding_id": holding.pk}


def _run(operation: Any, mode: GenerationMode, path_parameters: dict[str, int],
         headers: dict[str, str], examples: int) -> None:
    wanted = {p.name: path_parameters[p.name] for p in operation.path_parameters
              if p.name in path_parameters}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=wanted or None))
    def check(case: Any) -> None:
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    try:
        check()
    except Unsatisfiable:
        # Nothing to get wrong (no body, no free parameters): no invalid request exists.
        if mode is not GenerationMode.NEGATIVE:
            raise


def test_every_operation_answers_within_its_contract(schema, agent, real_ids):
    _token, raw = api_token_create(user=agent, name="contract")
    headers = {"Authorization": f"Bearer {raw}"}
    # Deleting the contact point last lets the other operations find it.
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda operation: operation.method.upper() == "DELETE")
    assert len(operations) >= 20
    for operation in operations:
        for mode, examples in EXAMPLES.items():
            _run(operation, mode, real_ids, headers, examples)
        # Random ids as well: unknown ones must be a declared 404, never an error.
        _run(operation, GenerationMode.POSITIVE, {}, headers, UNKNOWN_ID_EXAMPLES)
