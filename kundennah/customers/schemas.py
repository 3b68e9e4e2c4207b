"""Shapes of the customer API: what a request may carry and what an answer holds.

Input schemas check types and sizes only; the rules (valid IBAN, known postcode, unique
number) live in the services, which answer with field paths into the same payload
(``sites[0].iban``). Each input converts itself into the dataclasses the services accept
(``to_input()``); each output is built from a model or selector result (``of()``).
Sizes match the database columns, so no input can fail at the database instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from kundennah.core.errors import DomainValidationError
from kundennah.core.phones import phone_display
from kundennah.core.schemas import EARLIEST_YEAR, LATEST_YEAR, Checked
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
from kundennah.customers.models import (
    BankAccount,
    Consent,
    ContactPoint,
    Customer,
    Holding,
    Membership,
    PersonalNote,
    Site,
)
from kundennah.customers.selectors import Customer360, SearchHit
from kundennah.service.schemas import OpenConcernOut
from kundennah.timeline.models import Interaction
from kundennah.timeline.selectors import cursor_decode

CustomerKind = Literal["person", "organisation"]
CustomerStatus = Literal["active", "inactive"]
Salutation = Literal["", "ms", "mr", "diverse"]
Language = Literal["de", "en"]
ContactKind = Literal["email", "phone", "postal", "social"]
ContactLabel = Literal["", "private", "work", "mobile", "billing", "other"]
Network = Literal[
    "", "linkedin", "xing", "instagram", "facebook", "x", "mastodon", "whatsapp", "other"
]
HoldingKind = Literal["account", "contract", "device", "subscription"]
HoldingStatus = Literal["pending", "active", "suspended", "in_arrears", "terminated"]
ConsentChannel = Literal["email", "phone", "sms", "letter", "messenger"]
ConsentPurpose = Literal["marketing", "newsletter", "surveys", "service"]
ConsentSource = Literal[
    "webform", "portal", "phone", "letter", "email", "in_person", "import", "api"
]
Channel = Literal[
    "email", "phone", "letter", "webform", "portal", "chat", "social", "in_person", "order",
    "feedback",
]
Direction = Literal["inbound", "outbound", "internal"]

class In(Checked):
    """Base of every request body: an unknown field is an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _text(limit: int, default: str = "") -> Any:
    return Field(default, max_length=limit)


# --- Requests -------------------------------------------------------------------------------


class AddressIn(In):
    street: str = _text(200)
    postal_code: str = _text(20)
    city: str = _text(100)
    country: str = Field("DE", max_length=60, description="ISO 3166 code, e.g. DE, AT, CH")
    recipient: str = _text(200)
    extra: str = _text(200)

    def to_input(self) -> AddressInput:
        return AddressInput(**self.model_dump())


class BankFieldsIn(In):
    iban: str = Field("", max_length=50, description="Accepted with or without spaces")
    bic: str = _text(20)
    account_holder: str = _text(200)
    mandate_reference: str = _text(35)
    mandate_signed_on: dt.date | None = None


class SiteIn(BankFieldsIn):
    name: str = Field(..., max_length=200)
    code: str = _text(50)
    delivery_address: AddressIn
    invoice_address: AddressIn | None = Field(
        None, description="Leave out (or null) to send invoices to the delivery address"
    )
    invoice_email: str = _text(254)
    is_active: bool = True

    def to_input(self) -> SiteInput:
        bank = None
        if self.iban.strip():
            bank = BankAccountInput(
                iban=self.iban, bic=self.bic, holder=self.account_holder,
                mandate_reference=self.mandate_reference, mandate_signed_on=self.mandate_signed_on,
            )
        return SiteInput(
            name=self.name, code=self.code, delivery_address=self.delivery_address.to_input(),
            invoice_address=self.invoice_address.to_input() if self.invoice_address else None,
            invoice_email=self.invoice_email, bank_account=bank, is_active=self.is_active,
        )


class SitePatchIn(BankFieldsIn):
    """Only the fields sent change. Addresses are replaced as a whole; ``invoice_address: null``
    sends invoices to the delivery address again. Bank fields without ``iban`` apply to the
    site's current account."""

    name: str = Field("", max_length=200)
    code: str = _text(50)
    delivery_address: AddressIn | None = None
    invoice_address: AddressIn | None = None
    invoice_email: str = _text(254)
    is_active: bool = True
    version: int | None = None

    def _or(self, name: str, current: Any) -> Any:
        return getattr(self, name) if name in self.model_fields_set else current

    def to_input(self, site: Site) -> SiteInput:
        """The site as it is, with the fields sent replaced (``site_update`` replaces)."""
        account = site.bank_account
        bank = None
        if self.model_fields_set & _BANK_FIELDS:
            bank = BankAccountInput(
                iban=self._or("iban", account.iban if account else ""),
                bic=self._or("bic", account.bic if account else ""),
                holder=self._or("account_holder", account.holder if account else ""),
                mandate_reference=self._or(
                    "mandate_reference", account.mandate_reference if account else ""
                ),
                mandate_signed_on=self._or(
                    "mandate_signed_on", account.mandate_signed_on if account else None
                ),
            )
            if not bank.iban.strip():
                raise DomainValidationError.single("iban", "required", _("Please enter an IBAN."))
        invoice = self._or(
            "invoice_address",
            AddressIn(**site.invoice_address.as_dict()) if site.has_own_invoice_address else None,
        )
        return SiteInput(
            name=self._or("name", site.name),
            code=self._or("code", site.code),
            delivery_address=(self.delivery_address or AddressIn(**site.delivery_address.as_dict()))
            .to_input(),
            invoice_address=invoice.to_input() if invoice else None,
            invoice_email=self._or("invoice_email", site.invoice_email),
            bank_account=bank,
            is_active=self._or("is_active", site.is_active),
        )


_BANK_FIELDS = {"iban", "bic", "account_holder", "mandate_reference", "mandate_signed_on"}


class ProfileFieldsIn(In):
    number: str = Field("", max_length=20, description="Leave empty to draw the next number")
    status: CustomerStatus = "active"
    salutation: Salutation = ""
    title: str = _text(50)
    first_name: str = _text(100)
    last_name: str = _text(100)
    birth_date: dt.date | None = None
    name: str = Field("", max_length=200, description="Company name (organisations)")
    legal_form: str = _text(50)
    vat_id: str = _text(30)
    register_entry: str = _text(100)
    language: Language = "de"
    website: str = _text(200)


class CustomerCreateIn(ProfileFieldsIn):
    kind: CustomerKind
    emails: list[Annotated[str, Field(max_length=320)]] = Field(default_factory=list, max_length=20)
    phones: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=20)
    addresses: list[AddressIn] = Field(default_factory=list, max_length=20)
    sites: list[SiteIn] = Field(default_factory=list, max_length=500)

    def to_input(self) -> CustomerInput:
        profile = {name: getattr(self, name) for name in PROFILE_FIELDS}
        return CustomerInput(
            profile=ProfileInput(kind=self.kind, **profile),
            emails=list(self.emails), phones=list(self.phones),
            addresses=[a.to_input() for a in self.addresses],
            sites=[s.to_input() for s in self.sites],
        )


class CustomerPatchIn(In):
    """Only the fields sent change; ``null`` empties a text field."""

    kind: CustomerKind | None = Field(None, description="Cannot change; sent only to assert it")
    number: str | None = Field(None, max_length=20)
    status: CustomerStatus | None = None
    salutation: Salutation | None = None
    title: str | None = Field(None, max_length=50)
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    birth_date: dt.date | None = None
    name: str | None = Field(None, max_length=200)
    legal_form: str | None = Field(None, max_length=50)
    vat_id: str | None = Field(None, max_length=30)
    register_entry: str | None = Field(None, max_length=100)
    language: Language | None = None
    website: str | None = Field(None, max_length=200)
    version: int | None = Field(None, description="The version read; or send If-Match")

    def changes(self) -> dict[str, Any]:
        """The fields sent, as ``customer_update`` takes them."""
        sent = self.model_dump(exclude_unset=True, exclude={"version"})
        for name, value in list(sent.items()):
            if value is None and name in _CLEARABLE:
                sent[name] = ""
            elif value is None and name != "birth_date":
                del sent[name]  # a choice has no empty value: null leaves it as it is
        return sent


_CLEARABLE = {
    "number", "salutation", "title", "first_name", "last_name", "name", "legal_form", "vat_id",
    "register_entry", "website",
}


class ContactPointIn(In):
    kind: ContactKind
    value: str = Field("", max_length=320, description="Email, phone number or social handle")
    label: ContactLabel = ""
    is_primary: bool = False
    network: Network = Field("", description="For social handles")
    address: AddressIn | None = Field(None, description="For postal addresses")

    def to_input(self) -> ContactPointInput:
        return ContactPointInput(
            kind=self.kind, value=self.value, label=self.label, is_primary=self.is_primary,
            network=self.network, address=self.address.to_input() if self.address else None,
        )


class ContactPointPatchIn(In):
    kind: ContactKind | None = Field(None, description="Cannot change; sent only to assert it")
    value: str | None = Field(None, max_length=320)
    label: ContactLabel | None = None
    is_primary: bool | None = Field(None, description="true makes it primary; use POST …/primary")
    network: Network | None = None
    address: AddressIn | None = None
    version: int | None = None

    def to_input(self, point: ContactPoint) -> ContactPointInput:
        """The entry as it is, with the fields sent replaced (``contact_point_update`` replaces)."""
        address = point.address
        merged = ContactPointInput(
            kind=point.kind,
            value=point.value.split(":", 1)[-1] if point.kind == ContactPoint.Kind.SOCIAL
            else point.value,
            label=point.label, is_primary=point.is_primary, network=point.network,
            address=AddressInput(**address.as_dict()) if address else None,
        )
        sent = self.model_dump(exclude_unset=True, exclude={"version"})
        for name, value in sent.items():
            if value is not None:
                setattr(merged, name, AddressInput(**value) if name == "address" else value)
        return merged


class HoldingIn(In):
    kind: HoldingKind
    name: str = Field(..., max_length=200)
    identifier: str = _text(100)
    status: HoldingStatus = "active"
    balance: Decimal | None = Field(
        None, max_digits=14, decimal_places=2, description="A decimal number or a string; 2 places"
    )
    currency: str = Field("EUR", max_length=3, description="ISO 4217, e.g. EUR")
    started_on: dt.date | None = None
    ends_on: dt.date | None = None
    site_id: int | None = None
    key_figures: dict[str, str | int | float] = Field(default_factory=dict, max_length=20)

    def to_input(self) -> HoldingInput:
        return HoldingInput(
            kind=self.kind, name=self.name, identifier=self.identifier, status=self.status,
            balance=self.balance, currency=self.currency, started_on=self.started_on,
            ends_on=self.ends_on, site_id=self.site_id,
            key_figures={k: str(v) for k, v in self.key_figures.items()},
        )


class HoldingPatchIn(In):
    kind: HoldingKind | None = None
    name: str | None = Field(None, max_length=200)
    identifier: str | None = Field(None, max_length=100)
    status: HoldingStatus | None = None
    balance: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, max_length=3)
    started_on: dt.date | None = None
    ends_on: dt.date | None = None
    site_id: int | None = None
    key_figures: dict[str, str | int | float] | None = Field(None, max_length=20)
    version: int | None = None

    def to_input(self, holding: Holding) -> HoldingInput:
        data = HoldingInput(
            kind=holding.kind, name=holding.name, identifier=holding.identifier,
            status=holding.status, balance=holding.balance, currency=holding.currency,
            started_on=holding.started_on, ends_on=holding.ends_on, site_id=holding.site_id,
            key_figures=dict(holding.key_figures or {}),
        )
        nullable = {"balance", "started_on", "ends_on", "site_id"}
        for name, value in self.model_dump(exclude_unset=True).items():
            if name == "version" or (value is None and name not in nullable):
                continue
            if name == "key_figures":
                value = {k: str(v) for k, v in value.items()}
            setattr(data, name, value)
        return data


class ConsentIn(In):
    channel: ConsentChannel
    purpose: ConsentPurpose
    granted: bool
    source: ConsentSource = "api"
    source_detail: str = _text(300)
    recorded_at: dt.datetime | None = Field(None, description="With time zone; default now")


class NoteIn(In):
    text: str = Field(..., max_length=10_000)
    is_sensitive: bool = Field(False, description="Shown only to team leads, admins, the author")


class InteractionIn(In):
    channel: Channel
    direction: Direction
    occurred_at: dt.datetime | None = Field(None, description="With time zone; default now")
    subject: str = _text(1000)
    summary: str = _text(40_000)
    site_id: int | None = None
    external_key: str | None = Field(
        None, min_length=1, max_length=200,
        description="The same key again returns the contact written the first time",
    )


class ListQuery(Checked):
    q: str = Field("", max_length=200, description="Name, number, email, phone, postcode, "
                   "site or IBAN, as typed into the search box")
    kind: CustomerKind | None = None
    limit: int = Field(25, ge=1, le=100)


class TimelineQuery(Checked):
    channel: Channel | None = None
    cursor: str | None = Field(None, max_length=100, description="next_cursor of the last page")
    limit: int = Field(30, ge=1, le=100)

    @field_validator("cursor")
    @classmethod
    def _known_cursor(cls, value: str | None) -> str | None:
        decoded = cursor_decode(value) if value else None
        if value and (decoded is None or not EARLIEST_YEAR <= decoded[0].year <= LATEST_YEAR):
            raise PydanticCustomError("invalid_cursor", "not a cursor of this API")
        return value


def version_of(if_match: str | None, body_version: int | None) -> int | None:
    """The version the caller read: from ``If-Match`` (``W/"3"``, ``"3"``) or the body."""
    if if_match is None or if_match.strip() == "*":
        return body_version
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 18:
        raise DomainValidationError.single(
            "If-Match", "invalid_etag", _("Send the ETag of the record as read, e.g. W/\"3\".")
        )
    return int(tag)


def etag(version: int) -> str:
    return f'W/"{version}"'


# --- Answers --------------------------------------------------------------------------------


class AddressOut(Schema):
    street: str
    postal_code: str
    city: str
    country: str
    recipient: str
    extra: str


class ContactPointOut(Schema):
    id: int
    kind: str
    label: str
    value: str = Field(..., description="Normalised: E.164 phones, lower-case email domains")
    display_value: str
    network: str
    address: AddressOut | None
    is_primary: bool
    is_verified: bool
    status: str
    version: int

    @classmethod
    def of(cls, point: ContactPoint) -> ContactPointOut:
        address = point.address
        return cls(
            id=point.pk, kind=point.kind, label=point.label, value=point.value,
            display_value=point.display_value, network=point.network,
            address=AddressOut(**address.as_dict()) if address else None,
            is_primary=point.is_primary, is_verified=point.is_verified, status=point.status,
            version=point.version,
        )


class BankAccountOut(Schema):
    iban_masked: str = Field(..., description="The full IBAN is never shown")
    bic: str
    bank_name: str
    holder: str
    mandate_reference: str
    mandate_signed_on: dt.date | None
    has_mandate: bool

    @classmethod
    def of(cls, account: BankAccount) -> BankAccountOut:
        return cls(
            iban_masked=account.masked_iban, bic=account.bic, bank_name=account.bank_name,
            holder=account.holder, mandate_reference=account.mandate_reference,
            mandate_signed_on=account.mandate_signed_on, has_mandate=account.has_mandate,
        )


class CustomerRefOut(Schema):
    id: int
    number: str
    display_name: str

    @classmethod
    def of(cls, customer: Customer) -> CustomerRefOut:
        return cls(id=customer.pk, number=customer.number, display_name=customer.display_name)


class SiteContactOut(Schema):
    membership_id: int
    person: CustomerRefOut
    role: str
    is_main_contact: bool


class SiteOut(Schema):
    id: int
    name: str
    code: str
    is_active: bool
    delivery_address: AddressOut
    invoice_address: AddressOut = Field(..., description="Where invoices go (may be delivery)")
    has_own_invoice_address: bool
    invoice_email: str
    bank_account: BankAccountOut | None
    contacts: list[SiteContactOut]
    version: int

    @classmethod
    def of(cls, site: Site) -> SiteOut:
        return cls(
            id=site.pk, name=site.name, code=site.code, is_active=site.is_active,
            delivery_address=AddressOut(**site.delivery_address.as_dict()),
            invoice_address=AddressOut(**site.invoice_address.as_dict()),
            has_own_invoice_address=site.has_own_invoice_address, invoice_email=site.invoice_email,
            bank_account=BankAccountOut.of(site.bank_account) if site.bank_account else None,
            contacts=[
                SiteContactOut(
                    membership_id=m.pk, person=CustomerRefOut.of(m.person), role=m.role,
                    is_main_contact=m.is_main_contact,
                )
                for m in site.contacts.all()
            ],
            version=site.version,
        )


class MembershipOut(Schema):
    id: int
    person: CustomerRefOut
    organisation: CustomerRefOut
    site_id: int | None
    site_name: str
    role: str
    is_main_contact: bool

    @classmethod
    def of(cls, membership: Membership) -> MembershipOut:
        return cls(
            id=membership.pk, person=CustomerRefOut.of(membership.person),
            organisation=CustomerRefOut.of(membership.organisation), site_id=membership.site_id,
            site_name=membership.site.name if membership.site else "", role=membership.role,
            is_main_contact=membership.is_main_contact,
        )


class HoldingOut(Schema):
    id: int
    kind: str
    name: str
    identifier: str
    status: str
    balance: str | None = Field(..., description="Decimal as a string, e.g. \"1234.50\"")
    currency: str
    started_on: dt.date | None
    ends_on: dt.date | None
    site_id: int | None
    key_figures: dict[str, str]
    version: int

    @classmethod
    def of(cls, holding: Holding) -> HoldingOut:
        return cls(
            id=holding.pk, kind=holding.kind, name=holding.name, identifier=holding.identifier,
            status=holding.status,
            balance=None if holding.balance is None else f"{Decimal(holding.balance):.2f}",
            currency=holding.currency, started_on=holding.started_on, ends_on=holding.ends_on,
            site_id=holding.site_id,
            key_figures={str(k): str(v) for k, v in (holding.key_figures or {}).items()},
            version=holding.version,
        )


class ConsentOut(Schema):
    id: int
    channel: str
    purpose: str
    granted: bool
    recorded_at: dt.datetime
    source: str
    source_detail: str
    recorded_by: str | None

    @classmethod
    def of(cls, consent: Consent) -> ConsentOut:
        return cls(
            id=consent.pk, channel=consent.channel, purpose=consent.purpose,
            granted=consent.granted, recorded_at=consent.recorded_at.astimezone(dt.UTC),
            source=consent.source,
            source_detail=consent.source_detail,
            recorded_by=consent.recorded_by.display_name if consent.recorded_by else None,
        )


class NoteOut(Schema):
    id: int
    text: str
    is_sensitive: bool
    author: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int

    @classmethod
    def of(cls, note: PersonalNote) -> NoteOut:
        return cls(
            id=note.pk, text=note.text, is_sensitive=note.is_sensitive,
            author=note.author.display_name if note.author else None,
            created_at=note.created_at, updated_at=note.updated_at, version=note.version,
        )


class InteractionOut(Schema):
    id: int
    channel: str
    direction: str
    occurred_at: dt.datetime
    subject: str
    summary: str
    site_id: int | None
    site_name: str
    actor: str | None
    source_type: str
    source_id: str
    external_key: str | None

    @classmethod
    def of(cls, item: Interaction) -> InteractionOut:
        return cls(
            id=item.pk, channel=item.channel, direction=item.direction,
            occurred_at=item.occurred_at.astimezone(dt.UTC), subject=item.subject,
            summary=item.summary,
            site_id=item.site_id, site_name=item.site.name if item.site else "",
            actor=item.actor.display_name if item.actor else None, source_type=item.source_type,
            source_id=item.source_id, external_key=item.external_key,
        )


class TimelineOut(Schema):
    items: list[InteractionOut]
    next_cursor: str | None = Field(..., description="Pass as cursor= for the next page")


class ProfileOut(Schema):
    number: str
    kind: str
    status: str
    salutation: str
    title: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    name: str
    legal_form: str
    vat_id: str
    register_entry: str
    display_name: str
    language: str
    website: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, customer: Customer) -> ProfileOut:
        fields = [*PROFILE_FIELDS, "kind", "display_name", "created_at", "updated_at"]
        return cls(**{name: getattr(customer, name) for name in fields})


class BalanceOut(Schema):
    """The customer's emotional balance from answered surveys (−100…100), see docs/feedback.md."""

    running: float = Field(..., description="Running balance: the newest answer weighs as much as all earlier ones")
    trend: Literal["new", "rising", "steady", "falling"]
    change: float | None = Field(..., description="Running balance now minus three answers earlier")
    answers: int

    @classmethod
    def of(cls, standing: Any) -> BalanceOut | None:
        if standing is None:
            return None
        change = standing.change
        return cls(running=round(standing.running, 1), trend=standing.trend,
                   change=None if change is None else round(change, 1), answers=standing.answers)


class CustomerOut(Schema):
    """The 360: everything about one customer in one answer."""

    id: int
    number: str
    kind: str
    display_name: str
    status: str
    version: int = Field(..., description="Send back as If-Match or version to change the profile")
    url: str
    profile: ProfileOut
    primary_email: str | None
    primary_phone: str | None
    contact_points: list[ContactPointOut]
    sites: list[SiteOut]
    memberships: list[MembershipOut]
    holdings: list[HoldingOut]
    consents: list[ConsentOut] = Field(..., description="The current decision per channel/purpose")
    notes: list[NoteOut]
    open_concerns: list[OpenConcernOut]
    recent_timeline: list[InteractionOut]
    timeline_next_cursor: str | None
    channel_counts: dict[str, int]
    balance: BalanceOut | None = Field(None, description="Emotional balance; null while no survey was answered")

    @classmethod
    def of(cls, c: Customer360, url: str) -> CustomerOut:
        customer = c.customer
        return cls(
            id=customer.pk, number=customer.number, kind=customer.kind,
            display_name=customer.display_name, status=customer.status, version=customer.version,
            url=url, profile=ProfileOut.of(customer),
            primary_email=c.primary_email.value if c.primary_email else None,
            primary_phone=c.primary_phone.display_value if c.primary_phone else None,
            contact_points=[ContactPointOut.of(p) for p in c.contact_points],
            sites=[SiteOut.of(s) for s in c.sites],
            memberships=[MembershipOut.of(m) for m in c.memberships],
            holdings=[HoldingOut.of(h) for h in c.holdings],
            consents=[ConsentOut.of(x) for x in c.consents],
            notes=[NoteOut.of(n) for n in c.notes],
            open_concerns=[OpenConcernOut.of(x) for x in c.open_concerns],
            recent_timeline=[InteractionOut.of(i) for i in c.timeline.items],
            timeline_next_cursor=c.timeline.next_cursor,
            channel_counts=dict(c.channel_counts),
            balance=BalanceOut.of(c.balance),
        )


class CustomerListItemOut(Schema):
    id: int
    number: str
    kind: str
    display_name: str
    status: str
    primary_email: str | None
    primary_phone: str | None
    matched_on: str | None = Field(
        ..., description="What the search matched: name, number, email, phone, postcode, site, iban"
    )
    matched_detail: str | None = Field(..., description="The matched value (IBANs masked)")
    url: str

    @classmethod
    def of_hit(cls, hit: SearchHit, url: Callable[[int], str]) -> CustomerListItemOut:
        customer = hit.customer
        return cls(
            id=customer.pk, number=customer.number, kind=customer.kind,
            display_name=customer.display_name, status=customer.status,
            primary_email=hit.email or None, primary_phone=hit.phone or None,
            matched_on=MATCH_NAMES.get(hit.matched_on), matched_detail=hit.detail or None,
            url=url(customer.pk),
        )

    @classmethod
    def of_customer(
        cls, customer: Customer, primaries: dict[str, str], url: Callable[[int], str]
    ) -> CustomerListItemOut:
        return cls(
            id=customer.pk, number=customer.number, kind=customer.kind,
            display_name=customer.display_name, status=customer.status,
            primary_email=primaries.get(ContactPoint.Kind.EMAIL),
            primary_phone=phone_display(primaries[ContactPoint.Kind.PHONE])
            if ContactPoint.Kind.PHONE in primaries else None,
            matched_on=None,
            matched_detail=None, url=url(customer.pk),
        )


MATCH_NAMES = {
    "n": "name", "k": "number", "e": "email", "p": "phone", "z": "postcode", "s": "site",
    "i": "iban",
}


class CustomerListOut(Schema):
    items: list[CustomerListItemOut]
