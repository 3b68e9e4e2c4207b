"""Service desk settings in the admin: calendars, targets, routing, templates, webhook sources.

Team leads and admins (``service.manage_settings``) may change the settings; concerns are
read-only here, because every change of a concern belongs to the services (the promise, the
timeline and the outbox follow them). Signing secrets are write-only: never shown again.
"""

from __future__ import annotations

from typing import Any

import rules
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kundennah.core.admin_access import RuleGatedAdmin
from kundennah.service.models import (
    AgentPresence,
    AnswerTemplate,
    Category,
    ClosingDay,
    Concern,
    InboundSource,
    ResolutionTarget,
    RoutingRule,
    TeamCalendar,
)

WEEKDAYS = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))


class SettingsAdmin(RuleGatedAdmin):
    """Open to whoever may manage the service settings (team leads, admins), by rule."""

    permission = "service.manage_settings"


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(rules.has_perm("service.manage_settings", request.user))

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


class TeamCalendarForm(forms.ModelForm):
    """Business hours as two times per weekday instead of raw JSON; an empty day is closed."""

    class Meta:
        model = TeamCalendar
        fields = ("team", "time_zone", "state", "phone")

    # Declared on the class (the admin checks its fieldsets against the declared fields).
    for _day, _label in enumerate(WEEKDAYS):
        locals()[f"opens_{_day}"] = forms.TimeField(label=_label, required=False, help_text=_("opens"))
        locals()[f"closes_{_day}"] = forms.TimeField(label=_label, required=False, help_text=_("closes"))
    del _day, _label

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hours = self.instance.hours if self.instance.pk else TeamCalendar._meta.get_field("hours").get_default()
        for day in range(7):
            opens, closes = (hours or {}).get(str(day), ["", ""])
            self.fields[f"opens_{day}"].initial = opens or None
            self.fields[f"closes_{day}"].initial = closes or None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours: dict[str, list[str]] = {}
        for day in range(7):
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if opens is None and closes is None:
                continue
            if opens is None or closes is None or closes <= opens:
                self.add_error(f"closes_{day}", _("Give both times, the closing after the opening."))
                continue
            hours[str(day)] = [opens.strftime("%H:%M"), closes.strftime("%H:%M")]
        self.instance.hours = hours
        return data


@admin.register(TeamCalendar)
class TeamCalendarAdmin(SettingsAdmin):
    form = TeamCalendarForm
    inlines = [ClosingDayInline]
    list_display = ("team", "state", "time_zone", "phone")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        days = [(f"opens_{day}", f"closes_{day}") for day in range(7)]
        return [(None, {"fields": ("team", "time_zone", "state", "phone")}),
                (_("Business hours"), {"fields": days})]


@admin.register(Category)
class CategoryAdmin(SettingsAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(ResolutionTarget)
class ResolutionTargetAdmin(SettingsAdmin):
    list_display = ("priority", "category", "business_hours")
    list_filter = ("priority",)


@admin.register(RoutingRule)
class RoutingRuleAdmin(SettingsAdmin):
    list_display = ("position", "channel", "category", "customer", "site", "team", "active")
    list_editable = ("active",)
    list_filter = ("active", "team", "channel")
    raw_id_fields = ("customer", "site")


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(SettingsAdmin):
    list_display = ("name", "language", "team", "active")
    list_filter = ("language", "team", "active")
    search_fields = ("name", "body")


class InboundSourceForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("signing secret"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again once saved. Leave empty to keep the current secret."),
    )

    class Meta:
        model = InboundSource
        fields = ("name", "channel", "secret", "active")

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret") or ""
        if not secret:
            if not self.instance.pk:
                raise forms.ValidationError(_("A new source needs a signing secret."))
            return self.instance.secret
        if len(secret) < 16:
            raise forms.ValidationError(_("At least 16 characters."))
        return secret


@admin.register(InboundSource)
class InboundSourceAdmin(SettingsAdmin):
    form = InboundSourceForm
    list_display = ("name", "channel", "masked_secret", "active")

    @admin.display(description=_("signing secret"))
    def masked_secret(self, obj: InboundSource) -> str:
        return "••••" + obj.secret[-2:] if len(obj.secret) >= 8 else "••••"


@admin.register(AgentPresence)
class AgentPresenceAdmin(SettingsAdmin):
    list_display = ("user", "status", "changed_at")
    list_filter = ("status",)


@admin.register(Concern)
class ConcernAdmin(SettingsAdmin):
    """Read-only: concerns change through the agent pages and the API, where the services run."""

    list_display = ("reference", "subject", "channel", "status", "sla_state", "team", "assignee", "due_at")
    list_filter = ("status", "sla_state", "channel", "team")
    search_fields = ("reference", "subject", "contact_email")
    list_select_related = ("team", "assignee")
    readonly_fields = [f.name for f in Concern._meta.fields if f.name != "access_token"]
    exclude = ("access_token",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
