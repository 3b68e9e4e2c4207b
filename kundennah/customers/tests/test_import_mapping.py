"""The mapping step: columns suggested from German and English headers, and checked choices."""

from __future__ import annotations

import pytest

from kundennah.core.errors import DomainValidationError
from kundennah.customers.importing.mapping import (
    TARGETS,
    header_key,
    mapping_clean,
    mapping_suggest,
)
from kundennah.customers.importing.sample import SAMPLE_ROWS


def test_header_names_fold_like_people_type_them():
    assert header_key("Straße") == header_key("STRASSE") == "strasse"
    assert header_key("E-Mail") == header_key("e_mail") == header_key("EMail") == "email"
    assert header_key(" USt-IdNr. ") == "ustidnr"


def test_german_erp_export_headers_are_recognised():
    headers = [
        "Kundennummer",
        "Art",
        "Anrede",
        "Titel",
        "Vorname",
        "Nachname",
        "Firmenname",
        "Rechtsform",
        "USt-IdNr.",
        "E-Mail",
        "Telefon",
        "Mobil",
        "Straße",
        "PLZ",
        "Ort",
        "Land",
        "Standortname",
        "Standort-Code",
        "Lieferadresse Straße",
        "Liefer-PLZ",
        "Lieferort",
        "Rechnungsadresse Straße",
        "Rechnungsadresse PLZ",
        "Rechnungsadresse Ort",
        "Rechnungs-E-Mail",
        "IBAN",
        "BIC",
        "Kontoinhaber",
        "Mandatsreferenz",
        "Mandat unterschrieben am",
        "Sprache",
        "Interne Notiz",
    ]
    suggested = mapping_suggest(headers)
    assert {key: headers[index] for key, index in suggested.items()} == {
        "number": "Kundennummer",
        "kind": "Art",
        "salutation": "Anrede",
        "title": "Titel",
        "first_name": "Vorname",
        "last_name": "Nachname",
        "name": "Firmenname",
        "legal_form": "Rechtsform",
        "vat_id": "USt-IdNr.",
        "email": "E-Mail",
        "phone": "Telefon",
        "mobile": "Mobil",
        "street": "Straße",
        "postal_code": "PLZ",
        "city": "Ort",
        "country": "Land",
        "site_name": "Standortname",
        "site_code": "Standort-Code",
        "delivery_street": "Lieferadresse Straße",
        "delivery_postal_code": "Liefer-PLZ",
        "delivery_city": "Lieferort",
        "invoice_street": "Rechnungsadresse Straße",
        "invoice_postal_code": "Rechnungsadresse PLZ",
        "invoice_city": "Rechnungsadresse Ort",
        "invoice_email": "Rechnungs-E-Mail",
        "iban": "IBAN",
        "bic": "BIC",
        "account_holder": "Kontoinhaber",
        "mandate_reference": "Mandatsreferenz",
        "mandate_signed_on": "Mandat unterschrieben am",
        "language": "Sprache",
    }


def test_english_headers_are_recognised():
    headers = [
        "Customer number",
        "Type",
        "First name",
        "Last name",
        "Company",
        "Email",
        "Phone",
        "Street",
        "Postcode",
        "City",
        "Country",
        "Site",
        "Site code",
        "IBAN",
        "Account holder",
    ]
    suggested = mapping_suggest(headers)
    assert {key: headers[index] for key, index in suggested.items()} == {
        "number": "Customer number",
        "kind": "Type",
        "first_name": "First name",
        "last_name": "Last name",
        "name": "Company",
        "email": "Email",
        "phone": "Phone",
        "street": "Street",
        "postal_code": "Postcode",
        "city": "City",
        "country": "Country",
        "site_name": "Site",
        "site_code": "Site code",
        "iban": "IBAN",
        "account_holder": "Account holder",
    }


def test_a_bare_name_is_the_last_name_beside_a_first_name_else_the_company():
    assert mapping_suggest(["Vorname", "Name"]) == {"first_name": 0, "last_name": 1}
    assert mapping_suggest(["Name", "Ort"]) == {"name": 0, "city": 1}


def test_every_column_is_suggested_once_at_most():
    suggested = mapping_suggest(["E-Mail", "Email", "Mail"])
    assert suggested == {"email": 0}


def test_the_sample_file_maps_every_column():
    suggested = mapping_suggest(SAMPLE_ROWS[0])
    assert len(suggested) == len(SAMPLE_ROWS[0])
    assert len(set(suggested.values())) == len(SAMPLE_ROWS[0])


def test_every_target_has_a_label():
    assert all(str(t.label) for t in TARGETS)
    assert len({t.key for t in TARGETS}) == len(TARGETS)


def test_mapping_clean_accepts_column_indexes_as_text():
    assert mapping_clean(
        {"last_name": "1", "email": "", "phone": None}, ["Vorname", "Nachname"]
    ) == {"last_name": 1}


@pytest.mark.parametrize(
    ("raw", "field", "code"),
    [
        ({"last_name": "7"}, "last_name", "unknown_column"),
        ({"last_name": "x"}, "last_name", "unknown_column"),
        ({"shoe_size": "0", "last_name": "1"}, "shoe_size", "unknown_field"),
        ({"email": "0"}, "last_name", "mapping_incomplete"),
    ],
)
def test_mapping_clean_refuses(raw, field, code):
    with pytest.raises(DomainValidationError) as caught:
        mapping_clean(raw, ["E-Mail", "Nachname"])
    assert (caught.value.errors[0].field, caught.value.errors[0].code) == (field, code)
