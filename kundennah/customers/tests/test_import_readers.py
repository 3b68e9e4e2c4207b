"""Reading uploaded files: encodings, delimiters, XLSX, and every kind of broken file."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from kundennah.core.errors import DomainValidationError
from kundennah.customers.importing.readers import CSV, XLSX, table_inspect, table_rows

HEADER = "Kundennummer;Vorname;Nachname;Straße;PLZ;Ort\r\n"
ROW = "K-1;Jürgen;Müller;Hauptstraße 1;10115;Berlin\r\n"


def inspect(data: bytes, name: str = "kunden.csv"):
    return table_inspect(io.BytesIO(data), name=name)


def rows(data: bytes, name: str = "kunden.csv") -> list[tuple[int, list[str]]]:
    file = io.BytesIO(data)
    info = table_inspect(file, name=name)
    return list(table_rows(file, info.format))


def file_error_code(data: bytes, name: str = "kunden.csv") -> str:
    with pytest.raises(DomainValidationError) as caught:
        inspect(data, name)
    (error,) = caught.value.errors
    assert error.field == "file"
    assert str(error.message)
    return error.code


def test_utf8_without_bom():
    info = inspect((HEADER + ROW).encode("utf-8"))
    assert info.format.kind == CSV
    assert info.format.encoding == "utf-8"
    assert info.format.delimiter == ";"
    assert info.headers == ["Kundennummer", "Vorname", "Nachname", "Straße", "PLZ", "Ort"]
    assert info.samples == [["K-1", "Jürgen", "Müller", "Hauptstraße 1", "10115", "Berlin"]]
    assert info.total_rows == 1


def test_utf8_with_bom_as_excel_writes_it():
    data = codecs.BOM_UTF8 + (HEADER + ROW).encode("utf-8")
    info = inspect(data)
    assert info.format.encoding == "utf-8-sig"
    assert info.headers[0] == "Kundennummer"  # no BOM glued to the first header


def test_windows_1252_with_umlauts_falls_back_and_reads_them_right():
    data = (HEADER + ROW + "K-2;Jörg;Weiß;Königstraße 5;80331;München\r\n").encode("cp1252")
    info = inspect(data)
    assert info.format.encoding == "cp1252"
    assert info.headers[3] == "Straße"
    assert rows(data)[1] == (3, ["K-2", "Jörg", "Weiß", "Königstraße 5", "80331", "München"])


def test_utf8_is_checked_to_the_end_of_the_file():
    # The only non-ASCII byte is far beyond any sample: still recognised as Windows-1252.
    data = (
        HEADER.encode()
        + b"K-1;Hans;Meier;Weg 1;10115;Berlin\r\n" * 40_000
        + "K-2;Jörg;Weiß;Weg 2;10115;Berlin\r\n".encode("cp1252")
    )
    assert inspect(data).format.encoding == "cp1252"


def test_utf16_from_excels_unicode_text_export():
    data = ("Vorname\tNachname\r\nJürgen\tMüller\r\n").encode("utf-16")
    info = inspect(data, "kunden.txt")
    assert (info.format.encoding, info.format.delimiter) == ("utf-16", "\t")
    assert info.samples == [["Jürgen", "Müller"]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_delimiter_is_detected(delimiter):
    data = (
        delimiter.join(["Vorname", "Nachname", "Ort"])
        + "\n"
        + delimiter.join(["Anna", "Schmidt", "Köln"])
        + "\n"
    )
    info = inspect(data.encode())
    assert info.format.delimiter == delimiter
    assert info.headers == ["Vorname", "Nachname", "Ort"]


def test_commas_inside_values_do_not_fool_the_detection():
    data = 'Firma;Straße;Ort\n"Müller, Meier & Co. KG";"Weg 1, Hinterhaus";Berlin\n'.encode()
    info = inspect(data)
    assert info.format.delimiter == ";"
    assert info.samples == [["Müller, Meier & Co. KG", "Weg 1, Hinterhaus", "Berlin"]]


def test_excel_sep_line_names_the_delimiter():
    data = b"sep=,\r\nVorname,Nachname\r\nAnna,Schmidt\r\n"
    info = inspect(data)
    assert (info.format.delimiter, info.format.sep_line) == (",", True)
    assert info.headers == ["Vorname", "Nachname"]
    assert rows(data) == [(2, ["Anna", "Schmidt"])]


def test_quoted_values_with_line_breaks_count_as_one_row_and_blank_rows_keep_their_numbers():
    data = b'Vorname;Nachname;Notiz\n"Anna";"Schmidt";"Zeile 1\nZeile 2"\n\n;;\nBernd;Meier;x\n'
    assert rows(data) == [
        (2, ["Anna", "Schmidt", "Zeile 1\nZeile 2"]),
        (5, ["Bernd", "Meier", "x"]),
    ]


def test_empty_file():
    assert file_error_code(b"") == "empty_file"


def test_only_blank_lines():
    assert file_error_code(b"\r\n\r\n  \r\n") == "no_header"


def test_header_without_rows():
    assert file_error_code(HEADER.encode()) == "no_rows"


def test_blank_rows_above_the_header_are_skipped():
    info = inspect(b";;\r\nVorname;Nachname;Ort\r\nAnna;Schmidt;Berlin\r\n")
    assert info.headers == ["Vorname", "Nachname", "Ort"]


def test_binary_garbage_is_refused():
    assert file_error_code(bytes(range(256)) * 50) == "binary_file"


def test_a_pdf_renamed_to_csv_is_refused():
    assert file_error_code(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00\x01>>\n") == "binary_file"


def test_unbalanced_quote_names_the_line():
    data = b'Vorname;Nachname\nAnna;Schmidt\nBernd;"Meier\nCarla;Weber\n'
    with pytest.raises(DomainValidationError) as caught:
        inspect(data)
    error = caught.value.errors[0]
    assert error.code == "malformed_csv"
    assert "3" in str(error.message)


def test_quote_in_the_middle_of_a_value_is_malformed():
    assert file_error_code(b'Vorname;Nachname\nAnna;"Schmidt"x\n') == "malformed_csv"


def test_old_excel_format_is_refused_with_advice():
    assert (
        file_error_code(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "kunden.xls")
        == "xls_not_supported"
    )


def test_broken_xlsx_is_refused():
    assert (
        file_error_code(b"PK\x03\x04" + b"not really a zip" * 10, "kunden.xlsx") == "invalid_xlsx"
    )
    assert file_error_code(b"Vorname;Nachname\n", "kunden.xlsx") == "invalid_xlsx"


def test_a_zip_that_is_no_workbook_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert file_error_code(buffer.getvalue(), "kunden.xlsx") == "invalid_xlsx"


def xlsx_bytes(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for line in table:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_cells_become_text():
    data = xlsx_bytes(
        [
            ["Kundennummer", "Vorname", "Nachname", "PLZ", "Mandat unterschrieben am", "Umsatz"],
            [4711, "Jürgen", "Müller", 1067, dt.datetime(2021, 3, 1), 12.5],
            [None, None, None, None, None, None],
            ["K-2", "Anna", "Schmidt", "80331", dt.date(2020, 1, 31), None],
        ]
    )
    info = inspect(data, "kunden.xlsx")
    assert info.format.kind == XLSX
    assert info.headers[0] == "Kundennummer"
    assert info.total_rows == 3  # the sheet's own count, blank row included
    assert rows(data, "kunden.xlsx") == [
        (2, ["4711", "Jürgen", "Müller", "1067", "2021-03-01", "12.5"]),
        (4, ["K-2", "Anna", "Schmidt", "80331", "2020-01-31"]),
    ]


def test_xlsx_without_rows():
    assert file_error_code(xlsx_bytes([["Vorname", "Nachname"]]), "kunden.xlsx") == "no_rows"
    assert file_error_code(xlsx_bytes([]), "kunden.xlsx") == "no_header"
