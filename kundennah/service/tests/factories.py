"""Concerns through the real intake service, as every channel creates them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kundennah.service.models import Concern
from kundennah.service.services import ConcernIntake, concern_intake


def concern(
    *,
    customer: Any = None,
    channel: str = "webform",
    subject: str = "Rechnung doppelt abgebucht",
    body: str = "Guten Tag, meine Rechnung wurde zweimal abgebucht. Bitte prüfen Sie das.",
    received_at: dt.datetime | None = None,
    actor: Any = None,
    **fields: Any,
) -> Concern:
    if customer is None and not any(k in fields for k in ("contact_email", "contact_phone", "contact_name")):
        fields["contact_name"] = "Erika Mustermann"
        fields["contact_email"] = "erika.mustermann@example.org"
    return concern_intake(
        data=ConcernIntake(channel=channel, subject=subject, body=body, customer=customer,
                           received_at=received_at, **fields),
        actor=actor,
    )
