"""Which column of the file feeds which field of the customer record.

A mapping is ``{target key: column index}``. ``mapping_suggest`` pre-fills it from the header
names, German and English, the way ERP and spreadsheet exports name their columns.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kundennah.core.errors import DomainValidationError, ErrorCollector

Mapping = dict[str, int]

# Column groups shown as sections of the mapping page.
GROUPS: dict[str, Promise] = {
    "customer": gettext_lazy("Customer"),
    "contact": gettext_lazy("Contact details and address"),
    "site": gettext_lazy("Site (organisations)"),
    "invoice": gettext_lazy("Invoice address of the site"),
    "bank": gettext_lazy("Bank account"),
}


@dataclass(frozen=True)
class Target:
    key: str
    label: Promise
    group: str
    aliases: tuple[str, ...] = ()


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Header names as ``header_key`` folds them ("Straße" → "strasse", "E-Mail" → "email").
_ADDRESS_PARTS: dict[str, tuple[str, ...]] = {
    "recipient": _words("empfaenger empfanger name recipient"),
    "extra": _words("zusatz adresszusatz extra addressextra line2"),
    "street": _words("strasse str strassehausnummer street address adresse anschrift"),
    "postal_code": _words("plz postleitzahl postcode postalcode zip zipcode"),
    "city": _words("ort stadt city town"),
    "country": _words("land country"),
}
_DELIVERY = _words("lieferadresse lieferanschrift liefer standort delivery shipping site")
_INVOICE = _words("rechnungsadresse rechnungsanschrift rechnungs rechnung invoice billing")


def _prefixed(prefixes: Sequence[str], part: str) -> tuple[str, ...]:
    return tuple(prefix + alias for prefix in prefixes for alias in _ADDRESS_PARTS[part])


def _target(key: str, label: Promise, group: str, aliases: str | tuple[str, ...]) -> Target:
    return Target(key, label, group, _words(aliases) if isinstance(aliases, str) else aliases)


TARGETS: tuple[Target, ...] = (
    _target(
        "number",
        gettext_lazy("Customer number"),
        "customer",
        "kundennummer kundennr kdnr kundenid debitor debitorennummer debitorennr customernumber "
        "customerno customerid",
    ),
    _target(
        "kind",
        gettext_lazy("Kind (person or organisation)"),
        "customer",
        "art typ kundenart kundentyp kind type customertype customerkind",
    ),
    _target("salutation", gettext_lazy("Salutation"), "customer", "anrede salutation"),
    _target("title", gettext_lazy("Title"), "customer", "titel title akademischertitel"),
    _target(
        "first_name", gettext_lazy("First name"), "customer", "vorname firstname givenname forename"
    ),
    _target(
        "last_name",
        gettext_lazy("Last name"),
        "customer",
        "nachname familienname zuname lastname surname familyname",
    ),
    _target(
        "birth_date",
        gettext_lazy("Date of birth"),
        "customer",
        "geburtsdatum geboren geborenam dateofbirth birthdate birthday dob",
    ),
    _target(
        "name",
        gettext_lazy("Company name"),
        "customer",
        "firma firmenname unternehmen unternehmensname organisation organisationsname company "
        "companyname organization organisationname businessname",
    ),
    _target("legal_form", gettext_lazy("Legal form"), "customer", "rechtsform legalform"),
    _target(
        "vat_id",
        gettext_lazy("VAT ID"),
        "customer",
        "ustidnr ustid ustidnummer umsatzsteuerid umsatzsteueridentifikationsnummer vatid "
        "vatnumber vat vatno",
    ),
    _target(
        "register_entry",
        gettext_lazy("Commercial register"),
        "customer",
        "handelsregister registereintrag handelsregistereintrag hrb commercialregister "
        "registerentry",
    ),
    _target(
        "language",
        gettext_lazy("Language"),
        "customer",
        "sprache korrespondenzsprache language lang",
    ),
    _target(
        "website",
        gettext_lazy("Website"),
        "customer",
        "website webseite homepage internet internetseite url web",
    ),
    _target(
        "email",
        gettext_lazy("Email"),
        "contact",
        "email mail emailadresse mailadresse emailaddress",
    ),
    _target(
        "phone",
        gettext_lazy("Phone"),
        "contact",
        "telefon tel telefonnummer telnr festnetz phone telephone phonenumber",
    ),
    _target(
        "mobile",
        gettext_lazy("Mobile phone"),
        "contact",
        "mobil mobiltelefon mobilnummer handy handynummer mobile mobilephone cell cellphone",
    ),
    _target("street", gettext_lazy("Street and house number"), "contact", _ADDRESS_PARTS["street"]),
    _target("address_extra", gettext_lazy("Address extra"), "contact", _ADDRESS_PARTS["extra"]),
    _target("postal_code", gettext_lazy("Postcode"), "contact", _ADDRESS_PARTS["postal_code"]),
    _target("city", gettext_lazy("City"), "contact", "ort stadt wohnort city town"),
    _target("country", gettext_lazy("Country"), "contact", "land staat country laenderkennzeichen"),
    _target(
        "site_name",
        gettext_lazy("Site name"),
        "site",
        "standort standortname standortbezeichnung filiale niederlassung betriebsstaette site "
        "sitename branch location",
    ),
    _target(
        "site_code",
        gettext_lazy("Site code"),
        "site",
        "standortcode standortnummer standortnr standortkennung filialnummer filialnr sitecode "
        "siteid branchcode branchno locationcode",
    ),
    _target(
        "delivery_recipient",
        gettext_lazy("Delivery recipient"),
        "site",
        ("lieferempfaenger", "warenempfaenger", *_prefixed(_DELIVERY, "recipient")),
    ),
    _target(
        "delivery_extra",
        gettext_lazy("Delivery address extra"),
        "site",
        _prefixed(_DELIVERY, "extra"),
    ),
    _target(
        "delivery_street",
        gettext_lazy("Delivery street"),
        "site",
        ("lieferadresse", "lieferanschrift", *_prefixed(_DELIVERY, "street")),
    ),
    _target(
        "delivery_postal_code",
        gettext_lazy("Delivery postcode"),
        "site",
        _prefixed(_DELIVERY, "postal_code"),
    ),
    _target("delivery_city", gettext_lazy("Delivery city"), "site", _prefixed(_DELIVERY, "city")),
    _target(
        "delivery_country",
        gettext_lazy("Delivery country"),
        "site",
        _prefixed(_DELIVERY, "country"),
    ),
    _target(
        "invoice_recipient",
        gettext_lazy("Invoice recipient"),
        "invoice",
        ("rechnungsempfaenger", *_prefixed(_INVOICE, "recipient")),
    ),
    _target(
        "invoice_extra",
        gettext_lazy("Invoice address extra"),
        "invoice",
        _prefixed(_INVOICE, "extra"),
    ),
    _target(
        "invoice_street",
        gettext_lazy("Invoice street"),
        "invoice",
        ("rechnungsadresse", "rechnungsanschrift", *_prefixed(_INVOICE, "street")),
    ),
    _target(
        "invoice_postal_code",
        gettext_lazy("Invoice postcode"),
        "invoice",
        _prefixed(_INVOICE, "postal_code"),
    ),
    _target("invoice_city", gettext_lazy("Invoice city"), "invoice", _prefixed(_INVOICE, "city")),
    _target(
        "invoice_country",
        gettext_lazy("Invoice country"),
        "invoice",
        _prefixed(_INVOICE, "country"),
    ),
    _target(
        "invoice_email",
        gettext_lazy("Invoice email"),
        "invoice",
        "rechnungsemail rechnungsmail emailrechnung rechnungperemail invoiceemail billingemail "
        "invoicemail",
    ),
    _target("iban", gettext_lazy("IBAN"), "bank", "iban kontonummeriban bankverbindungiban"),
    _target("bic", gettext_lazy("BIC"), "bank", "bic swift swiftbic swiftcode"),
    _target(
        "account_holder",
        gettext_lazy("Account holder"),
        "bank",
        "kontoinhaber kontoinhaberin accountholder holder",
    ),
    _target(
        "mandate_reference",
        gettext_lazy("SEPA mandate reference"),
        "bank",
        "mandatsreferenz mandatsreferenznummer mandatreferenz sepamandat sepamandatsreferenz "
        "mandatereference mandateref mandateid",
    ),
    _target(
        "mandate_signed_on",
        gettext_lazy("Mandate signed on"),
        "bank",
        "mandatunterschriebenam mandatsdatum datummandat mandatdatum mandatunterschrieben "
        "unterschriftsdatum mandatesignedon mandatedate mandatesigned dateofsignature",
    ),
)
TARGET_BY_KEY: dict[str, Target] = {t.key: t for t in TARGETS}

_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def header_key(text: str) -> str:
    """``Straße`` and ``STRASSE`` compare as ``strasse``, ``E-Mail`` and ``EMail`` as ``email``."""
    lower = unicodedata.normalize("NFKC", text or "").lower().translate(_GERMAN)
    plain = "".join(c for c in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", plain)


# Folded alias → target; where two targets share an alias, the one listed first wins.
_ALIASES: dict[str, str] = {}
for _key, _alias in ((t.key, a) for t in TARGETS for a in t.aliases):
    _ALIASES.setdefault(header_key(_alias), _key)


def mapping_suggest(headers: Sequence[str]) -> Mapping:
    """Pre-filled mapping: every target whose name or alias matches a header, first column wins."""
    mapping: Mapping = {}
    keys = [header_key(h) for h in headers]
    for index, key in enumerate(keys):
        target = _ALIASES.get(key)
        if target and target not in mapping:
            mapping[target] = index
    # A bare "Name" is the last name beside a "Vorname", otherwise the company's name.
    for index, key in enumerate(keys):
        if key == "name" and index not in mapping.values():
            target = "last_name" if "first_name" in mapping else "name"
            mapping.setdefault(target, index)
    return mapping


def mapping_clean(raw: dict[str, str | int | None], headers: Sequence[str]) -> Mapping:
    """Check a mapping chosen by the user: known targets, existing columns, and a name."""
    errors = ErrorCollector()
    mapping: Mapping = {}
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if key not in TARGET_BY_KEY:
            errors.add(key, "unknown_field", _("This field cannot be imported."))
            continue
        try:
            index = int(value)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(headers):
            errors.add(key, "unknown_column", _("Please choose one of the file's columns."))
            continue
        mapping[key] = index
    errors.raise_if_any()
    if "last_name" not in mapping and "name" not in mapping:
        raise DomainValidationError.single(
            "last_name",
            "mapping_incomplete",
            _(
                "Please choose the column with the last name (people) or the company name "
                "(organisations)."
            ),
        )
    return mapping


def column_label(headers: Sequence[str], index: int) -> str:
    """The column's header, or "Column 3" when the header cell is empty."""
    header = headers[index] if 0 <= index < len(headers) else ""
    return header or _("Column %(number)d") % {"number": index + 1}
