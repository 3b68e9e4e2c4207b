"""HTML forms of the agent's service desk. Forms check types; ``service.services`` checks the rules.

Forms that change a concern carry its ``version``: a form filled in while someone else changed
the concern is refused with a clear message instead of silently overwriting their work.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kundennah.accounts.models import Team, User
from kundennah.core.forms import BootstrapFormMixin
from kundennah.service.attachments import IncomingFile
from kundennah.service.models import Category, Concern, Priority

STATUS_AFTER_CHOICES = [
    ("", _("Stay open")),
    (Concern.Status.WAITING_CUSTOMER, _("Waiting for the customer")),
    (Concern.Status.RESOLVED, _("Resolved")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each becomes an ``IncomingFile`` the service sniffs and checks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[IncomingFile]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [incoming_file(f) for f in files if f]


def incoming_file(upload: UploadedFile) -> IncomingFile:
    return IncomingFile(filename=upload.name or "", content=upload.read())


class VersionedForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReplyForm(VersionedForm):
    body = forms.CharField(label=_("Reply"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50_000)
    attachments = MultipleFileField(label=_("Attachments"))
    status_after = forms.ChoiceField(label=_("Status after sending"), choices=STATUS_AFTER_CHOICES, required=False)


class NoteForm(VersionedForm):
    body = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=50_000)
    attachments = MultipleFileField(label=_("Attachments"))


class StatusForm(VersionedForm):
    status = forms.ChoiceField(choices=Concern.Status.choices)


def _agents() -> Any:
    return User.objects.filter(is_active=True, role__in=[User.Role.AGENT, User.Role.TEAM_LEAD, User.Role.ADMIN]
                               ).order_by("first_name", "last_name", "username")


class AssignForm(VersionedForm):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)
    assignee = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents()  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda u: u.display_name  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("team") and not data.get("assignee"):
            raise forms.ValidationError(_("Please choose a team or an agent."))
        return data


class TriageForm(VersionedForm):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(active=True),
                                      required=False, empty_label=_("(none)"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, sites: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sites:
            self.fields["site"].choices = [("", _("(none)"))] + [(s.pk, s.name) for s in sites]  # type: ignore
        else:
            del self.fields["site"]


class MergeForm(BootstrapFormMixin, forms.Form):
    target = forms.CharField(label=_("Merge into concern (reference)"), max_length=20,
                             widget=forms.TextInput(attrs={"placeholder": "A-2026-000123"}))


class LinkCustomerForm(BootstrapFormMixin, forms.Form):
    customer_id = forms.IntegerField(label=_("Customer"), error_messages={
        "required": _("Please search for the customer and choose one.")})


class CallbackDoneForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("What was said?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=50_000)
    reached = forms.BooleanField(label=_("The customer was reached"), required=False, initial=True)


class BulkForm(BootstrapFormMixin, forms.Form):
    ACTIONS = [
        ("assign_me", _("Assign to me")),
        ("assign_agent", _("Assign to agent")),
        ("assign_team", _("Assign to team")),
        ("close", _("Close")),
    ]
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[], error_messages={
        "required": _("Please select at least one concern.")})
    action = forms.ChoiceField(choices=ACTIONS)
    assignee = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _agents()  # type: ignore[attr-defined]
        # Any id is accepted here; the selector decides which of them the user may touch.
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(i, i) for i in ids]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "assign_agent" and not data.get("assignee"):
            self.add_error("assignee", _("Please choose an agent."))
        if data.get("action") == "assign_team" and not data.get("team"):
            self.add_error("team", _("Please choose a team."))
        return data


class _LoggedContactForm(BootstrapFormMixin, forms.Form):
    """What phone and letter have in common: who, about what, and when it came in."""

    customer_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300, required=False)
    body = forms.CharField(label=_("What is it about?"), widget=forms.Textarea(attrs={"rows": 5}),
                           max_length=50_000, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(active=True),
                                      required=False, empty_label=_("(none)"))
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    received_at = forms.DateTimeField(
        label=_("Received"), required=False, help_text=_("Only if it came in earlier than now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class PhoneForm(_LoggedContactForm):
    # As the agent types the number, htmx shows who is calling.
    contact_phone = forms.CharField(label=_("Caller's number"), max_length=40, required=False, widget=forms.TextInput(
        attrs={"hx-get": reverse_lazy("service:customer_pick"), "hx-trigger": "input changed delay:300ms",
               "hx-target": "#caller", "autocomplete": "off", "inputmode": "tel"}))
    resolved_during_call = forms.BooleanField(label=_("Resolved during the call"), required=False)

    field_order = ["contact_phone", "customer_id", "contact_name", "subject", "body", "category", "priority",
                   "received_at", "resolved_during_call"]


class LetterForm(_LoggedContactForm):
    scan = forms.FileField(label=_("Scan (PDF or image)"))
    search = forms.CharField(label=_("Find the customer"), max_length=100, required=False, widget=forms.TextInput(
        attrs={"hx-get": reverse_lazy("service:customer_pick"), "hx-trigger": "input changed delay:300ms, load",
               "hx-target": "#letter-customer", "autocomplete": "off", "type": "search"}))

    field_order = ["scan", "search", "customer_id", "contact_name", "subject", "body", "category", "priority",
                   "received_at"]

    def clean_scan(self) -> IncomingFile:
        return incoming_file(self.cleaned_data["scan"])
