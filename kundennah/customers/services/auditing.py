"""What every customer write does besides the change itself: check the version it read,
name the actor in the audit history, record the event, keep the search keys true."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from kundennah.core.errors import ConflictError
from kundennah.core.events import event_record
from kundennah.customers.models import Customer
from kundennah.customers.search import search_index_refresh


def version_claim(obj: Any, expected_version: int | None) -> None:
    """Bump ``obj.version`` if it is still ``expected_version`` (or the version it was read at).

    The conditional UPDATE is the lock: of two concurrent edits of the same version, the
    second finds no row to update and gets a ConflictError instead of overwriting the first.
    """
    expected = obj.version if expected_version is None else expected_version
    updated = type(obj).objects.filter(pk=obj.pk, version=expected).update(version=F("version") + 1)
    if not updated:
        raise ConflictError()
    obj.version = expected + 1


def audited_save(obj: models.Model, *, actor: Any, update_fields: list[str] | None = None) -> None:
    obj._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    if update_fields is not None:
        obj.save(update_fields=[*update_fields, "updated_at"] if hasattr(obj, "updated_at") else update_fields)
    else:
        obj.save()


def audited_delete(obj: models.Model, *, actor: Any) -> None:
    obj._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    obj.delete()


def customer_changed(
    *, customer: Customer, actor: Any, event: str, payload: dict[str, Any] | None = None,
    reindex: bool = True,
) -> None:
    event_record(
        name=event, aggregate_type="customer", aggregate_id=customer.pk,
        payload={"customer_id": customer.pk, **(payload or {})}, actor=actor,
    )
    if reindex:
        search_index_refresh(customer)
