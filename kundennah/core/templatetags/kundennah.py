from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms, template

from kundennah.core.money import money_format

register = template.Library()


@register.simple_tag
def money(amount: Decimal | None, currency: str = "EUR") -> str:
    """``{% money holding.balance holding.currency %}`` → ``1.234,56 €`` in the user's locale."""
    return money_format(amount, currency)


@register.filter
def control(bound_field: Any) -> str:
    """Render a form field's widget with Bootstrap's class, also for forms we do not own
    (django-allauth's), and mark it invalid when it has errors."""
    widget = bound_field.field.widget
    css = widget.attrs.get("class", "")
    if not any(name in css for name in ("form-control", "form-select", "form-check-input")):
        if isinstance(widget, forms.CheckboxInput):
            css += " form-check-input"
        elif isinstance(widget, forms.Select):
            css += " form-select"
        else:
            css += " form-control"
    attrs = {"class": css.strip()}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}-error"
    return bound_field.as_widget(attrs=attrs)


@register.filter(name="money")
def money_filter(amount: Decimal | None, currency: str = "EUR") -> str:
    """``{{ order.gross_total|money:order.currency }}``: the same as the ``money`` tag."""
    return money_format(amount, currency or "EUR")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ errors|get_item:sku }}``: a dict's value in a template (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
