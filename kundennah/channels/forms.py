"""Forms of the customer-facing pages: types and spam protection here, every rule in the services.

Spam protection needs no third party: a honeypot field people never see, a signed timestamp
(a person needs a few seconds, a form kept open for days is stale), and a rate limit per
address in the views. The signed token also carries a one-time submission id, so a form sent
twice (double click, reload, flaky network) creates one concern.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
import time
from typing import Any

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import BootstrapFormMixin
from kundennah.service.attachments import IncomingFile
from kundennah.service.promise import calendar_of

SIGNING_SALT = "kundennah.channels.public-form"
MIN_SECONDS = 3
MAX_SECONDS = 24 * 60 * 60
HONEYPOT = "website"
# Two-hour windows a customer may choose for a callback; only those inside the team's hours count.
CALLBACK_SLOTS = [("08", "08:00–10:00"), ("10", "10:00–12:00"), ("12", "12:00–14:00"),
                  ("14", "14:00–16:00"), ("16", "16:00–18:00")]


def form_token(*, at: float | None = None, submission: str | None = None) -> str:
    """A signed token with when the form was shown and the one-time id of its submission."""
    return signing.dumps({"id": submission or secrets.token_urlsafe(16), "at": int(time.time() if at is None else at)},
                         salt=SIGNING_SALT)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def incoming_files(files: list[Any]) -> list[IncomingFile]:
    return [IncomingFile(filename=upload.name or "", content=upload.read()) for upload in files]


class SubmissionForm(BootstrapFormMixin):
    """A form that carries its one-time submission id; public forms also check time and honeypot."""

    guard = True
    form_token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        label=_("Please leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    # Maps the intake's field paths onto this form's fields; unknown paths become form errors.
    error_fields: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"
        self.spam = False
        self.submission_id = ""
        if not self.is_bound:
            self.initial["form_token"] = form_token()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.guard and data.get(HONEYPOT):
            self.spam = True
            raise forms.ValidationError(_("Your message could not be sent. Please call us instead."), code="spam")
        try:
            token = signing.loads(self.data.get("form_token", ""), salt=SIGNING_SALT)
            age = time.time() - float(token["at"])
            self.submission_id = str(token["id"])[:40]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.spam = True
            self._fresh_token()
            raise forms.ValidationError(_("This form could not be checked. Please send it again."),
                                        code="bad_token") from None
        if self.guard and age < MIN_SECONDS:
            self.spam = True
            self._fresh_token()
            raise forms.ValidationError(_("That was very fast. Please check your entries and send the form again."),
                                        code="too_fast")
        if self.guard and age > MAX_SECONDS:
            self._fresh_token()
            raise forms.ValidationError(_("This form was open for a long time. Please send it again."),
                                        code="expired")
        return data

    def _fresh_token(self) -> None:
        # The page shown again must be sendable: a new token, the customer's entries kept.
        data: Any = copy.copy(self.data)  # a QueryDict's copy is mutable
        data["form_token"] = form_token()
        self.data = data

    def domain_errors(self, exc: DomainValidationError) -> None:
        """Put the service's errors on the fields the customer filled in, in their language."""
        for error in exc.errors:
            path = error.field.split("[", 1)[0]
            name = self.error_fields.get(error.field, self.error_fields.get(path, path))
            if name in self.fields and name not in self.errors:
                self.add_error(name, str(error.message))
            elif name not in self.fields:
                self.add_error(None, str(error.message))
        self._mark_invalid()


class PortalSubmissionForm(SubmissionForm):
    """Signed-in customers: no honeypot or stopwatch, but still one concern per submission."""

    guard = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields[HONEYPOT]


_CONCERN_ERRORS = {"contact.email": "email", "contact.phone": "phone", "contact": "email", "body": "message",
                   "attachments": "attachments", "subject": "subject"}


class ContactForm(SubmissionForm):
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.CharField(label=_("Email"), max_length=320, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    customer_number = forms.CharField(label=_("Customer number (if you have one)"), max_length=30, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Your message"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    help_text=_("PDF, images, office documents or text; up to 10 MB each."))
    error_fields = _CONCERN_ERRORS

    field_order = ["name", "email", "phone", "customer_number", "subject", "message", "attachments"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.spam and not (data.get("email", "").strip() or data.get("phone", "").strip()):
            self.add_error("email", _("Please give an email address or a phone number so that we can answer you."))
        return data


class ReplyForm(PortalSubmissionForm):
    message = forms.CharField(label=_("Your reply"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)
    error_fields = _CONCERN_ERRORS


class PortalConcernForm(PortalSubmissionForm):
    subject = forms.CharField(label=_("Subject"), max_length=300)
    message = forms.CharField(label=_("Your message"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False,
                                    help_text=_("PDF, images, office documents or text; up to 10 MB each."))
    error_fields = _CONCERN_ERRORS


class _CallbackFields(forms.Form):
    """When to call: as soon as possible, or a two-hour window on a business day."""

    ASAP, SLOT = "asap", "slot"

    phone = forms.CharField(label=_("Phone number"), max_length=30,
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}))
    window = forms.ChoiceField(
        label=_("When should we call?"), initial=ASAP, widget=forms.RadioSelect,
        choices=[(ASAP, _("As soon as possible")), (SLOT, _("On a day and at a time of my choice"))],
    )
    date = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    slot = forms.ChoiceField(label=_("Time"), required=False, choices=[("", "—"), *CALLBACK_SLOTS])
    topic = forms.CharField(label=_("What is it about? (optional)"), max_length=300, required=False)

    def callback_window(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        if data.get("window") != self.SLOT:
            return None, None
        calendar = calendar_of(None)
        day, hour = data["date"], int(data["slot"])
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=calendar.zone)
        return start, start + dt.timedelta(hours=2)

    def _check_window(self, data: dict[str, Any]) -> None:
        if data.get("window") != self.SLOT:
            return
        day, slot = data.get("date"), data.get("slot")
        if day is None:
            self.add_error("date", _("Please choose a day."))
        if not slot:
            self.add_error("slot", _("Please choose a time."))
        if day is None or not slot:
            return
        calendar = calendar_of(None)
        hours = calendar.working_hours(day)
        start = dt.datetime.combine(day, dt.time(int(slot)), tzinfo=calendar.zone)
        end = start + dt.timedelta(hours=2)
        if hours is None:
            self.add_error("date", _("We do not work on this day. Please choose a business day."))
        elif start < hours[0] or end > hours[1]:
            self.add_error("slot", _("Please choose a time within our business hours."))
        elif end <= timezone.now():
            self.add_error("date", _("Please choose a time in the future."))


_CALLBACK_ERRORS = {"contact.phone": "phone", "contact.email": "email", "contact": "phone",
                    "callback_until": "date", "callback_from": "date", "body": "topic", "subject": "topic"}


class CallbackForm(SubmissionForm, _CallbackFields):
    name = forms.CharField(label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.CharField(
        label=_("Email (optional, for the confirmation)"), max_length=320, required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_fields = _CALLBACK_ERRORS
    field_order = ["name", "phone", "email", "window", "date", "slot", "topic"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.spam:
            self._check_window(data)
        return data


class PortalCallbackForm(PortalSubmissionForm, _CallbackFields):
    error_fields = _CALLBACK_ERRORS
    field_order = ["phone", "window", "date", "slot", "topic"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self._check_window(data)
        return data
