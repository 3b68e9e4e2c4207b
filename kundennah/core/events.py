"""Domain events written to the outbox in the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kundennah.core.models import Event


def event_record(
    *,
    name: str,
    aggregate_type: str,
    aggregate_id: int | str,
    payload: dict[str, Any] | None = None,
    actor: Any = None,
) -> Event:
    """Write ``name`` (``customer.created``…) to the outbox. Call inside the change's atomic block."""
    return Event.objects.create(
        name=name,
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        payload=payload or {},
        actor=actor if getattr(actor, "pk", None) else None,
        occurred_at=timezone.now(),
    )
