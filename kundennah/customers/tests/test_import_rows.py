"""Whatever a file contains, reading and checking it gives rows or clear errors, never a crash."""

from __future__ import annotations

import io
import json

from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundennah.core.errors import DomainValidationError
from kundennah.customers.importing.mapping import TARGETS
from kundennah.customers.importing.readers import table_inspect, table_rows
from kundennah.customers.importing.rows import RowPlan, country_code_parse, row_check

HEADERS = tuple(str(t.label) for t in TARGETS)
PLAN = RowPlan(
    mapping={t.key: i for i, t in enumerate(TARGETS)}, headers=HEADERS, strict_width=True
)

cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "Firma",
            "Person",
            "Frau",
            "DE89370400440532013000",
            "030 1234567",
            "10115",
            "Berlin",
            "31.02.2020",
            "x@y",
            "=1+1",
            "K-100001",
            "Deutschland",
            "S01",
        ]
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)))
def test_any_row_gives_data_or_errors_at_a_column(cells):
    with translation.override("de"):
        checked = row_check(2, cells, PLAN)
    if checked.errors:
        assert checked.record is None
        assert all(e.row == 2 and e.code and e.message for e in checked.errors)
        assert all(e.column in HEADERS or e.column == "" for e in checked.errors)
    else:
        record = json.loads(checked.record)
        assert record["profile"]["kind"] in ("person", "organisation")


@settings(max_examples=80, deadline=None)
@given(st.lists(cell, max_size=len(HEADERS) + 3))
def test_rows_of_the_wrong_width_are_reported_not_guessed(cells):
    checked = row_check(7, cells, PLAN)
    too_short = len(cells) < len(HEADERS)
    too_long = any(c.strip() for c in cells[len(HEADERS) :])
    if too_short or too_long:
        assert [e.code for e in checked.errors] == ["wrong_column_count"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["kunden.csv", "kunden.xlsx", "kunden.txt"]))
def test_any_bytes_are_read_or_refused_with_a_file_error(data, name):
    file = io.BytesIO(data)
    try:
        info = table_inspect(file, name=name)
    except DomainValidationError as exc:
        assert exc.errors[0].field == "file"
        return
    for _number, cells in table_rows(file, info.format):
        assert isinstance(cells, list)


def test_country_names_become_codes():
    assert country_code_parse("Deutschland") == "DE"
    assert country_code_parse("germany") == "DE"
    assert country_code_parse("Österreich") == "AT"
    assert country_code_parse("Schweiz") == "CH"
    assert country_code_parse("ch") == "CH"
    assert country_code_parse("D") == "DE"
    assert country_code_parse("Atlantis") == "Atlantis"
