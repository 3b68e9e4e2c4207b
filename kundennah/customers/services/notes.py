"""Personal notes about a customer, some of them sensitive."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError
from kundennah.customers.models import Customer, PersonalNote
from kundennah.customers.services.auditing import (
    audited_delete,
    audited_save,
    customer_changed,
    version_claim,
)

MAX_NOTE_LENGTH = 5000


def _clean_text(text: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainValidationError.single("text", "required", str(_("Please write the note.")))
    if len(cleaned) > MAX_NOTE_LENGTH:
        raise DomainValidationError.single(
            "text", "too_long", str(_("At most %(limit)d characters.") % {"limit": MAX_NOTE_LENGTH})
        )
    return cleaned


def note_add(*, actor: Any, customer: Customer, text: str, is_sensitive: bool = False) -> PersonalNote:
    cleaned = _clean_text(text)
    with transaction.atomic():
        note = PersonalNote(customer=customer, text=cleaned, is_sensitive=is_sensitive, author=actor)
        audited_save(note, actor=actor)
        customer_changed(
            customer=customer, actor=actor, event="customer.note_added",
            payload={"note_id": note.pk, "sensitive": is_sensitive}, reindex=False,
        )
    return note


def note_update(
    *, actor: Any, note: PersonalNote, text: str, is_sensitive: bool, expected_version: int | None = None
) -> PersonalNote:
    if not actor.has_perm("customers.change_personalnote", note):
        raise PermissionDenied
    cleaned = _clean_text(text)
    with transaction.atomic():
        version_claim(note, expected_version)
        note.text, note.is_sensitive = cleaned, is_sensitive
        audited_save(note, actor=actor, update_fields=["text", "is_sensitive", "version"])
        customer_changed(
            customer=note.customer, actor=actor, event="customer.note_changed",
            payload={"note_id": note.pk}, reindex=False,
        )
    return note


def note_delete(*, actor: Any, note: PersonalNote) -> None:
    if not actor.has_perm("customers.delete_personalnote", note):
        raise PermissionDenied
    with transaction.atomic():
        customer, pk = note.customer, note.pk
        audited_delete(note, actor=actor)
        customer_changed(
            customer=customer, actor=actor, event="customer.note_deleted", payload={"note_id": pk}, reindex=False
        )
