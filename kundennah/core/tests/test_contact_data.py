"""Contact data checks: whatever a user or a mail sends, the answer is a value or a field
error — never a crash."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundennah.core.addresses import address_validate
from kundennah.core.banking import bank_details_validate, iban_mask, mandate_reference_validate
from kundennah.core.emails import email_match_key, email_normalise
from kundennah.core.errors import DomainValidationError
from kundennah.core.folding import fold_query_word, fold_variants
from kundennah.core.money import decimal_parse
from kundennah.core.phones import phone_normalise
from kundennah.core.vat import vat_id_normalise

anything = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(anything)
def test_phone_check_never_crashes(text):
    try:
        assert phone_normalise(text).startswith("+")
    except DomainValidationError as exc:
        assert exc.errors[0].code in {"required", "invalid_phone"}


@settings(max_examples=300, deadline=None)
@given(anything)
def test_email_check_never_crashes(text):
    try:
        assert "@" in email_normalise(text)
    except DomainValidationError as exc:
        assert exc.errors[0].code in {"required", "invalid_email"}


@settings(max_examples=200, deadline=None)
@given(anything, anything, anything, st.sampled_from(["DE", "AT", "CH", "FR", "XX", "", "de", "1"]))
def test_address_check_never_crashes(street, postcode, city, country):
    try:
        address_validate(street=street, postal_code=postcode, city=city, country=country)
    except DomainValidationError as exc:
        assert {e.field for e in exc.errors} <= {"street", "postal_code", "city", "country"}


@settings(max_examples=300, deadline=None)
@given(anything, st.text(max_size=20))
def test_bank_details_check_never_crashes(iban, bic):
    try:
        details = bank_details_validate(iban=iban, bic=bic)
    except DomainValidationError as exc:
        assert {e.field for e in exc.errors} <= {"iban", "bic"}
    else:
        assert "*" in iban_mask(details.iban)


@settings(max_examples=200, deadline=None)
@given(anything)
def test_mandate_reference_vat_money_and_folding_never_crash(text):
    for check in (mandate_reference_validate, vat_id_normalise):
        with contextlib.suppress(DomainValidationError):
            check(text)
    decimal_parse(text)
    fold_variants(text)
    fold_query_word(text)


@pytest.mark.parametrize(("typed", "expected"), [
    ("030 1234567", "+49301234567"), ("+49 30 1234567", "+49301234567"), ("0049301234567", "+49301234567"),
    ("0171-2345678", "+491712345678"), ("+43 1 5123456", "+4315123456"), ("+41 44 668 18 00", "+41446681800"),
])
def test_german_and_neighbouring_phone_formats_become_e164(typed, expected):
    assert phone_normalise(typed) == expected


@pytest.mark.parametrize(("iban", "ok"), [
    ("DE89 3704 0044 0532 0130 00", True), ("de89370400440532013000", True),
    ("DE89 3704 0044 0532 0130 01", False), ("AT61 1904 3002 3457 3201", True), ("DE89", False),
])
def test_iban_checksum_is_checked(iban, ok):
    if ok:
        assert bank_details_validate(iban=iban).iban == iban.replace(" ", "").upper()
    else:
        with pytest.raises(DomainValidationError):
            bank_details_validate(iban=iban)


def test_plus_addressing_and_case_fold_to_one_sender():
    assert email_match_key("Hans+Shop@Example.DE") == email_match_key("hans@example.de")


@pytest.mark.parametrize(("typed", "expected"), [("1.234,56", "1234.56"), ("1234.56", "1234.56"),
                                                 ("1234,5", "1234.5"), ("-0,10 €", "-0.10"), ("abc", None)])
def test_german_amounts_are_parsed_as_decimals(typed, expected):
    value = decimal_parse(typed)
    assert (str(value) if value is not None else None) == expected
