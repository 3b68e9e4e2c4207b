"""The audit trail of one customer: who changed what, when, from what to what.

Reads the django-simple-history tables of the customer and everything it holds, and turns
consecutive versions of each object into before/after pairs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from kundennah.core.banking import iban_mask
from kundennah.customers.models import (
    BankAccount,
    ContactPoint,
    Customer,
    Holding,
    Membership,
    PersonalNote,
    Site,
)

_SKIP = {"id", "version", "history_id", "history_date", "history_change_reason", "history_type",
         "history_user", "history_user_id", "created_at", "updated_at"}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class AuditEntry:
    when: dt.datetime
    who: str
    action: str  # created / changed / deleted
    subject: str
    object_label: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(instance: Any, model_field: Any, accounts: dict[int, str]) -> str:
    if instance is None:
        return ""
    value = getattr(instance, model_field.attname, None)
    if model_field.name == "bank_account":
        return accounts.get(value, "") if value else ""
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value or ""))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if value is None:
        return ""
    return str(value)


def _fields(model: type[Model]) -> list[Any]:
    # Links to the customer itself say nothing; a site's bank account is shown by its IBAN.
    return [
        f for f in model._meta.concrete_fields
        if f.name not in _SKIP and (not f.is_relation or f.name == "bank_account")
    ]


def customer_audit_log(*, user: Any, customer: Customer, limit: int = 300) -> list[AuditEntry]:
    sensitive_ok = user.has_perm("customers.view_sensitive_notes")
    sources: list[tuple[type[Model], Q, str]] = [
        (Customer, Q(id=customer.pk), str(_("Profile"))),
        (ContactPoint, Q(customer_id=customer.pk), str(_("Contact point"))),
        (Site, Q(organisation_id=customer.pk), str(_("Site"))),
        (BankAccount, Q(customer_id=customer.pk), str(_("Bank account"))),
        (Membership, Q(person_id=customer.pk) | Q(organisation_id=customer.pk), str(_("Contact person"))),
        (Holding, Q(customer_id=customer.pk), str(_("Holding"))),
        (PersonalNote, Q(customer_id=customer.pk), str(_("Note"))),
    ]
    accounts = {
        pk: iban_mask(iban)
        for pk, iban in BankAccount.history.model.objects.filter(customer_id=customer.pk)
        .values_list("id", "iban").distinct()
    }
    entries: list[AuditEntry] = []
    for model, condition, subject in sources:
        history = model.history.model  # type: ignore[attr-defined]
        rows = list(history.objects.filter(condition).select_related("history_user").order_by("id", "history_date",
                                                                                              "history_id"))
        fields = _fields(model)
        previous: dict[int, Any] = {}
        for row in rows:
            hidden = model is PersonalNote and row.is_sensitive and not sensitive_ok and row.author_id != user.pk
            before = previous.get(row.id)
            previous[row.id] = row
            action = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
            changes = []
            for model_field in fields:
                label = str(model_field.verbose_name)
                new = _display(row, model_field, accounts)
                old = _display(before, model_field, accounts)
                if action == "changed" and old == new:
                    continue
                if action == "deleted":
                    continue
                if hidden:
                    new, old = "•••", "•••" if old else ""
                if action == "created" and not new:
                    continue
                changes.append(FieldChange(label=label, before=old, after=new))
            if action == "changed" and not changes:
                continue
            who = row.history_user.display_name if row.history_user else str(_("System"))
            label = "•••" if hidden else _object_label(model, row)
            entries.append(AuditEntry(when=row.history_date, who=who, action=action, subject=subject,
                                      object_label=label, changes=changes))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


def _object_label(model: type[Model], row: Any) -> str:
    if model is Customer:
        return row.display_name
    if model is ContactPoint:
        return row.value
    if model is Site:
        return row.name
    if model is BankAccount:
        return iban_mask(row.iban)
    if model is Holding:
        return f"{row.name} {row.identifier}".strip()
    if model is PersonalNote:
        return row.text[:60]
    return ""
