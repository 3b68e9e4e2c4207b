"""Glue between Django forms and services: type checks in the form, rules in the service,
and the service's field errors shown at the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied

from kundennah.core.errors import ConflictError, DomainValidationError

T = TypeVar("T")


def _style(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    if css not in widget.attrs.get("class", ""):
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapFormMixin(forms.Form):
    """A form with Bootstrap classes on every widget and ``is-invalid`` on fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _style(field)

    def add_fields(self, fields: dict[str, forms.Field]) -> None:
        for name, field in fields.items():
            _style(field)
            self.fields[name] = field

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


def form_field_for(path: str) -> str:
    """``delivery_address.postal_code`` → ``delivery_address_postal_code`` (the form's name)."""
    return path.replace(".", "_").replace("[", "_").replace("]", "")


def errors_to_form(form: forms.BaseForm, exc: DomainValidationError) -> None:
    for error in exc.errors:
        name = form_field_for(error.field)
        if name in form.fields and name not in form.errors:
            form.add_error(name, str(error.message))
        elif name not in form.fields:
            form.add_error(None, str(error.message))
    if isinstance(form, BootstrapFormMixin):
        form._mark_invalid()


def form_submit(form: forms.BaseForm, action: Callable[[dict[str, Any]], T]) -> T | None:
    """Run ``action(cleaned_data)`` if the form is valid; put any rule it breaks on the form.

    Returns the action's result, or None when the form now carries errors (nothing changed).
    """
    if not form.is_valid():
        return None
    try:
        return action(form.cleaned_data)
    except DomainValidationError as exc:
        errors_to_form(form, exc)
    except ConflictError as exc:
        form.add_error(None, exc.message)
    except PermissionDenied:
        raise
    return None
