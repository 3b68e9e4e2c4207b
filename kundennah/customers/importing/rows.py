"""One row of the file becomes checked customer data, by the checks the UI and the API use.

``row_check`` is pure (no database, no shared state), so that rows can be checked in other
processes. It turns spreadsheet spellings into the values the record knows ("Frau" → ``ms``,
"Firma" → organisation, "31.12.2024" → a date), runs ``profile_validate``,
``contact_point_validate``, ``site_validate`` and ``bank_account_validate``, and reports every
problem of the row at the column of the file it came from.

One row is one customer (person or organisation) with optional email, phone, mobile, postal
address, bank account and, for organisations, one site.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import astuple, dataclass, field
from functools import cache, lru_cache
from types import SimpleNamespace
from typing import Any, cast

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kundennah.core.errors import DomainValidationError, FieldError
from kundennah.customers.importing.mapping import TARGET_BY_KEY, Mapping, column_label, header_key
from kundennah.customers.inputs import (
    AddressInput,
    BankAccountInput,
    ContactPointInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import ContactPoint, Customer
from kundennah.customers.search import keys_for_values
from kundennah.customers.validation import (
    bank_account_validate,
    contact_point_validate,
    profile_validate,
    site_validate,
)

PERSON = str(Customer.Kind.PERSON)
ORGANISATION = str(Customer.Kind.ORGANISATION)


def _spellings(words: str, value: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), value)


# Spellings seen in spreadsheets, as ``header_key`` folds them.
_KINDS = {
    **_spellings(
        "person p privat privatperson privatkunde natuerlicheperson individual private consumer "
        "b2c verbraucher",
        PERSON,
    ),
    **_spellings(
        "organisation organization org o f firma firmenkunde unternehmen company business b2b "
        "geschaeftskunde gewerbe gewerbekunde gewerblich juristischeperson verein behoerde "
        "institution",
        ORGANISATION,
    ),
}
_SALUTATIONS = {
    **_spellings("frau fr ms mrs miss madam", "ms"),
    **_spellings("herr herrn hr mr mister sir", "mr"),
    **_spellings("divers diverse mx d", "diverse"),
    **dict.fromkeys(["", "keine", "none", "ohne"], ""),
}
# Written to organisations ("Firma", "An die") and meaning nothing for the record.
_ORGANISATION_SALUTATIONS = {"firma", "an", "andie", "company", "familie", "eheleute"}
_LANGUAGES = {
    **_spellings("de deu ger deutsch german", "de"),
    **_spellings("en eng englisch english", "en"),
}
# 31.12.2024 (German), 2024-12-31 (ISO, and what a spreadsheet's date cell becomes), 31/12/2024.
_DATE = re.compile(
    r"^(?:(\d{1,2})[./](\d{1,2})[./](\d{4})|(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?)$"
)
_FOUR_DIGITS = re.compile(r"^\d{4}$")

_PROFILE_TEXT = (
    *("number", "title", "first_name", "last_name", "name", "legal_form", "vat_id"),
    *("register_entry", "website"),
)
_ADDRESS_TARGETS = {
    "street": "street",
    "postal_code": "postal_code",
    "city": "city",
    "country": "country",
    "extra": "address_extra",
    "recipient": "street",
}
_BANK_TARGETS = {
    "iban": "iban",
    "bic": "bic",
    "holder": "account_holder",
    "mandate_reference": "mandate_reference",
    "mandate_signed_on": "mandate_signed_on",
}


@dataclass(frozen=True)
class RowPlan:
    """What checking a row needs to know about the file: the mapping and the column names."""

    mapping: Mapping
    headers: tuple[str, ...]
    strict_width: bool  # CSV rows must be as wide as the header; XLSX drops empty trailing cells

    def column(self, target: str) -> str:
        index = self.mapping.get(target)
        if index is None:
            return str(TARGET_BY_KEY[target].label) if target in TARGET_BY_KEY else ""
        return column_label(self.headers, index)


@dataclass
class RowError:
    row: int
    column: str
    value: str
    code: str
    message: str


@dataclass
class CheckedRow:
    row: int
    number: str = ""
    kind: str = ""
    identity: str = (
        ""  # kind and folded name: rows sharing a number must describe the same customer
    )
    display_name: str = ""
    site_code: str = ""
    site_key: str = ""
    # The cleaned data as JSON text (ready for the staging file) when the row has no errors.
    record: str | None = None
    errors: list[RowError] = field(default_factory=list)


class _Row:
    """Cells of one row by target, and the errors found so far."""

    def __init__(self, number: int, cells: Sequence[str], plan: RowPlan) -> None:
        self.number = number
        self.cells = cells
        self.plan = plan
        self.errors: list[RowError] = []

    def get(self, target: str) -> str:
        index = self.plan.mapping.get(target)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index].strip()

    def raw(self, target: str) -> str:
        index = self.plan.mapping.get(target)
        if index is None or index >= len(self.cells):
            return ""
        return self.cells[index]

    def add(self, target: str, code: str, message: Any) -> None:
        self.errors.append(
            RowError(self.number, self.plan.column(target), self.raw(target), code, str(message))
        )

    def collect(self, exc: DomainValidationError, target_of: Callable[[str], str]) -> None:
        for error in exc.errors:
            self.add(target_of(error.field), error.code, error.message)


def row_check(number: int, cells: Sequence[str], plan: RowPlan) -> CheckedRow:
    """Check one data row; ``record`` holds its cleaned data when it has no errors."""
    row = _Row(number, cells, plan)
    width = len(plan.headers)
    found = len(cells)
    if found > width and not any(c.strip() for c in cells[width:]):
        found = width
    if (plan.strict_width and found != width) or found > width:
        message = _("This row has %(found)d columns, the header row has %(expected)d.") % {
            "found": found,
            "expected": width,
        }
        return CheckedRow(
            row=number, errors=[RowError(number, "", "", "wrong_column_count", message)]
        )

    kind = _kind(row)
    profile = _profile(row, kind)
    contacts = _contacts(row)
    site = _site(row, kind)
    bank = None
    if site is None and row.get("iban"):
        bank = _bank(row, lambda path: _BANK_TARGETS.get(path, "iban"))

    result = CheckedRow(row=number, number=row.get("number"), kind=kind, errors=row.errors)
    if profile is not None:
        display_name = _display_name(profile)
        result.display_name = display_name
        result.identity = f"{kind}:{header_key(display_name)}"
    if site is not None:
        result.site_code = site["code"]
        result.site_key = repr(sorted(site.items()))
    if row.errors:
        return result
    assert profile is not None
    record: dict[str, Any] = {
        "profile": profile,
        "display_name": result.display_name,
        "contacts": contacts,
        "site": site,
        "bank": bank,
    }
    record["name_keys"], record["keys"] = _search_keys(record)
    result.record = json.dumps(record, separators=(",", ":"), ensure_ascii=False)
    return result


def _search_keys(record: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The row's search keys, computed here where rows are checked in parallel.

    ``keys_for_values`` is a union of independent parts, so it is called twice: for the names
    (which only the customer's first row supplies) and for the row's contact points, site and
    account. The customer number's keys are added when the number is known.
    """
    profile = record["profile"]
    names = SimpleNamespace(
        first_name=profile["first_name"],
        last_name=profile["last_name"],
        name=profile["name"],
        display_name=record["display_name"],
        number="",
    )
    blank = SimpleNamespace(first_name="", last_name="", name="", display_name="", number="")
    site = record["site"]
    ibans = [bank["iban"] for bank in (record["bank"], site and site["bank"]) if bank]
    name_keys = keys_for_values(
        customer=cast(Customer, names),
        contact_points=(),
        site_names=(),
        site_postcodes=(),
        ibans=(),
    )
    other_keys = keys_for_values(
        customer=cast(Customer, blank),
        contact_points=[(c["kind"], c["value"], c["postal_code"]) for c in record["contacts"]],
        site_names=[site["name"]] if site else [],
        site_postcodes=[site["delivery_postal_code"]] if site else [],
        ibans=ibans,
    )
    return sorted(name_keys), sorted(other_keys)


# --- Parts of a row -------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _word(text: str) -> str:
    """``header_key`` for the few words a column of kinds, salutations or languages repeats."""
    return header_key(text)


def _kind(row: _Row) -> str:
    raw = row.get("kind")
    if raw:
        kind = _KINDS.get(_word(raw))
        if kind is not None:
            return kind
        row.add(
            "kind",
            "invalid_choice",
            _("“%(value)s” is not a kind of customer. Please use Person or Firma.")
            % {"value": raw},
        )
    # Without a kind, a row naming a company is an organisation.
    return ORGANISATION if row.get("name") and not row.get("last_name") else PERSON


def _salutation(row: _Row, kind: str) -> str:
    raw = row.get("salutation")
    words = raw.split()
    key = _word(words[0]) if words else ""
    if key in _SALUTATIONS:
        return _SALUTATIONS[key]
    if kind == ORGANISATION or _word(raw) in _ORGANISATION_SALUTATIONS:
        return ""
    row.add(
        "salutation",
        "invalid_choice",
        _("“%(value)s” is not a salutation. Please use Frau, Herr or Divers.") % {"value": raw},
    )
    return ""


def _language(row: _Row) -> str:
    raw = row.get("language")
    if not raw:
        return "de"
    language = _LANGUAGES.get(_word(raw))
    if language is None:
        row.add("language", "invalid_choice", _("Please choose German or English."))
        return "de"
    return language


def _date(row: _Row, target: str) -> dt.date | None:
    raw = row.get(target)
    if not raw:
        return None
    match = _DATE.match(raw)
    if match:
        day, month, year, iso_year, iso_month, iso_day = match.groups()
        try:
            if year:
                return dt.date(int(year), int(month), int(day))
            return dt.date(int(iso_year), int(iso_month), int(iso_day))
        except ValueError:
            pass
    row.add(target, "invalid_date", _("Please enter a valid date (DD.MM.YYYY)."))
    return None


def _profile(row: _Row, kind: str) -> dict[str, Any] | None:
    data = ProfileInput(
        kind=kind,
        salutation=_salutation(row, kind),
        birth_date=_date(row, "birth_date"),
        language=_language(row),
        **{name: row.get(name) for name in _PROFILE_TEXT},
    )
    try:
        cleaned = profile_validate(data)
    except DomainValidationError as exc:
        row.collect(exc, _profile_target)
        return None
    if cleaned["birth_date"] is not None:
        cleaned["birth_date"] = cleaned["birth_date"].isoformat()
    return cleaned


def _profile_target(path: str) -> str:
    return path if path in TARGET_BY_KEY else "last_name"


_namers = threading.local()


def _display_name(profile: dict[str, Any]) -> str:
    """``Customer.compose_display_name`` without building a model instance per row."""
    namer = getattr(_namers, "customer", None)
    if namer is None:
        namer = _namers.customer = Customer()
    for name in ("kind", "title", "first_name", "last_name", "name", "legal_form"):
        setattr(namer, name, profile[name])
    return str(namer.compose_display_name())


def _contacts(row: _Row) -> list[dict[str, Any]]:
    contacts: list[dict[str, Any]] = []
    for target, kind, label in (
        ("email", ContactPoint.Kind.EMAIL, ""),
        ("phone", ContactPoint.Kind.PHONE, ""),
        ("mobile", ContactPoint.Kind.PHONE, ContactPoint.Label.MOBILE),
    ):
        value = row.get(target)
        if not value:
            continue
        try:
            contacts.append(_contact_point_check(get_language(), kind, value, label, None))
        except DomainValidationError as exc:
            row.collect(exc, _always(target))
    address = _address(row, "street", "postal_code", "city", "country", "address_extra")
    if address is not None:
        try:
            contacts.append(
                _contact_point_check(get_language(), ContactPoint.Kind.POSTAL, "", "", address)
            )
        except DomainValidationError as exc:
            row.collect(exc, _postal_target)
    return contacts


@lru_cache(maxsize=4096)
def _checked_contact_point(
    language: str, kind: str, value: str, label: str, address: tuple[str, ...] | None
) -> tuple[dict[str, Any] | None, tuple[FieldError, ...]]:
    data = ContactPointInput(
        kind=kind, value=value, label=label, address=AddressInput(*address) if address else None
    )
    try:
        return contact_point_validate(data), ()
    except DomainValidationError as exc:
        return None, tuple(exc.errors)


def _contact_point_check(
    language: str, kind: str, value: str, label: str, address: AddressInput | None
) -> dict[str, Any]:
    """``contact_point_validate``, remembered for the rows of one customer that repeat the same
    email, phone and address (an export writes them on each of the customer's site rows). The
    answer depends on the input alone, and on the language its messages are in."""
    key = astuple(address) if address is not None else None
    cleaned, errors = _checked_contact_point(language, kind, value, label, key)
    if errors:
        raise DomainValidationError(errors)
    assert cleaned is not None
    return cleaned


def _always(target: str) -> Callable[[str], str]:
    return lambda _path: target


def _postal_target(path: str) -> str:
    return _ADDRESS_TARGETS.get(path.rpartition(".")[2], "street")


def _address(
    row: _Row,
    street: str,
    postal_code: str,
    city: str,
    country: str,
    extra: str,
    recipient: str = "",
) -> AddressInput | None:
    if not (row.get(street) or row.get(postal_code) or row.get(city) or row.get(extra)):
        return None
    country_code = country_code_parse(row.get(country)) or "DE"
    code = row.get(postal_code)
    if country_code == "DE" and _FOUR_DIGITS.match(code):
        code = "0" + code  # a spreadsheet took "01067" for a number
    return AddressInput(
        street=row.get(street),
        postal_code=code,
        city=row.get(city),
        country=country_code,
        extra=row.get(extra),
        recipient=row.get(recipient) if recipient else "",
    )


_SITE_FIELDS = (
    "site_name",
    "site_code",
    "delivery_recipient",
    "delivery_extra",
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "invoice_recipient",
    "invoice_extra",
    "invoice_street",
    "invoice_postal_code",
    "invoice_city",
    "invoice_email",
)
_DELIVERY = (
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
    "delivery_extra",
    "delivery_recipient",
)
_INVOICE = (
    "invoice_street",
    "invoice_postal_code",
    "invoice_city",
    "invoice_country",
    "invoice_extra",
    "invoice_recipient",
)
_MAIN_ADDRESS = ("street", "postal_code", "city", "country", "address_extra")


def _site(row: _Row, kind: str) -> dict[str, Any] | None:
    present = [name for name in _SITE_FIELDS if row.get(name)]
    if not present:
        return None
    if kind != ORGANISATION:
        row.add(present[0], "sites_only_for_organisations", _("Only organisations have sites."))
        return None
    # Without a delivery address of its own, the site is at the row's address.
    own_delivery = any(row.get(name) for name in _DELIVERY[:3])
    delivery_targets = _DELIVERY if own_delivery else (*_MAIN_ADDRESS, "delivery_recipient")
    delivery = _address(row, *delivery_targets) or AddressInput()
    invoice = _address(row, *_INVOICE)
    bank = None
    if row.get("iban"):
        bank = BankAccountInput(
            iban=row.get("iban"),
            bic=row.get("bic"),
            holder=row.get("account_holder"),
            mandate_reference=row.get("mandate_reference"),
            mandate_signed_on=_date(row, "mandate_signed_on"),
        )
    data = SiteInput(
        name=row.get("site_name"),
        code=row.get("site_code"),
        delivery_address=delivery,
        invoice_address=invoice,
        invoice_email=row.get("invoice_email"),
        bank_account=bank,
    )
    try:
        cleaned = site_validate(data)
    except DomainValidationError as exc:
        row.collect(exc, lambda path: _site_target(path, delivery_targets))
        return None
    cleaned["bank"] = _bank_json(cleaned["bank"])
    return cleaned


def _site_target(path: str, delivery_targets: Sequence[str]) -> str:
    head, _dot, part = path.partition(".")
    if head == "delivery_address":
        targets = dict(
            zip(
                ("street", "postal_code", "city", "country", "extra", "recipient"),
                delivery_targets,
                strict=True,
            )
        )
        return targets.get(part, delivery_targets[0])
    if head == "invoice_address":
        return f"invoice_{part}" if f"invoice_{part}" in TARGET_BY_KEY else "invoice_street"
    if path in ("name", "code"):
        return f"site_{path}"
    if path == "invoice_email":
        return path
    return _BANK_TARGETS.get(path, "site_name")


def _bank(row: _Row, target_of: Callable[[str], str]) -> dict[str, Any] | None:
    data = BankAccountInput(
        iban=row.get("iban"),
        bic=row.get("bic"),
        holder=row.get("account_holder"),
        mandate_reference=row.get("mandate_reference"),
        mandate_signed_on=_date(row, "mandate_signed_on"),
    )
    try:
        checked = bank_account_validate(data)
    except DomainValidationError as exc:
        row.collect(exc, target_of)
        return None
    return _bank_json(checked)


def _bank_json(checked: Any) -> dict[str, Any] | None:
    if checked is None:
        return None
    details, extras = checked
    signed = extras.get("mandate_signed_on")
    return {
        "iban": details.iban,
        "bic": details.bic,
        "bank_name": details.bank_name,
        "holder": extras.get("holder", ""),
        "mandate_reference": extras.get("mandate_reference", ""),
        "mandate_signed_on": signed.isoformat() if signed else None,
    }


# --- Countries ------------------------------------------------------------------------------


@cache
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("en", "de"):
        for code, name in Locale(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(header_key(name), code)
    names.update({"d": "DE", "a": "AT", "brd": "DE", "deu": "DE", "aut": "AT", "che": "CH"})
    return names


def country_code_parse(text: str) -> str:
    """``Deutschland``, ``Germany``, ``de`` and ``D`` → ``DE``; unknown text is returned upper-cased
    for the address check to refuse."""
    value = (text or "").strip()
    if not value:
        return ""
    if len(value) == 2 and value.isalpha():
        return value.upper()
    return _country_names().get(header_key(value), value)
