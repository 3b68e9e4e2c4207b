"""Reading uploaded tables row by row: CSV (encoding and delimiter detected) and XLSX.

Nothing here holds a whole file in memory: CSV is decoded as a stream, XLSX is read with
openpyxl's read-only mode. A file that cannot be read at all raises a ``DomainValidationError``
at the field ``file`` with a message for the user; problems of single rows (a wrong number of
columns) are left to the caller, who reports them per row.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from kundennah.core.errors import DomainValidationError

CSV = "csv"
XLSX = "xlsx"

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (.xls)
_CHUNK = 1 << 20
_SAMPLE_CHARS = 64 * 1024
_DELIMITERS = (";", ",", "\t", "|")  # German Excel writes ';', so it wins a tie
_SEP_LINE = re.compile(r"^sep=(.)$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Row = tuple[int, list[str]]
"""A data row: its number as a spreadsheet shows it (the header is row 1) and its cells."""


@dataclass(frozen=True)
class TableFormat:
    kind: str
    encoding: str = ""
    delimiter: str = ""
    sep_line: bool = False


@dataclass(frozen=True)
class TableInfo:
    format: TableFormat
    headers: list[str]
    samples: list[list[str]]
    # Data rows (without header and blank rows); for XLSX the sheet's own estimate or None.
    total_rows: int | None


def file_error(code: str, message: str) -> DomainValidationError:
    return DomainValidationError.single("file", code, message)


def table_inspect(file: IO[bytes], *, name: str, sample_rows: int = 5) -> TableInfo:
    """Recognise the file's format and read its header and first rows.

    For CSV this reads the whole file twice (once to check the encoding, once to check that
    every record parses and to count them): an unreadable file is refused at upload, before
    anything is stored.
    """
    file.seek(0)
    head = file.read(8)
    if not head:
        raise file_error("empty_file", _("The file is empty."))
    lower_name = name.lower()
    if head.startswith(_OLE) or lower_name.endswith(".xls"):
        raise file_error(
            "xls_not_supported",
            _(
                "Files in the old Excel format (.xls) cannot be read. Please save the file "
                "as .xlsx or CSV."
            ),
        )
    if head.startswith(_ZIP):
        return _xlsx_inspect(file, sample_rows=sample_rows)
    if lower_name.endswith((".xlsx", ".xlsm")):
        raise file_error(
            "invalid_xlsx", _("This file cannot be read as an Excel workbook (.xlsx).")
        )
    return _csv_inspect(file, sample_rows=sample_rows)


def table_rows(file: IO[bytes], fmt: TableFormat) -> Iterator[Row]:
    """The data rows after the header, blank rows left out (their numbers are kept)."""
    records = _xlsx_records(file) if fmt.kind == XLSX else _csv_records(file, fmt)
    header_seen = False
    for number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if not header_seen:
            header_seen = True
            continue
        yield number, cells


def _first_rows(records: Iterator[Row], sample_rows: int) -> tuple[list[str], list[list[str]], int]:
    """Header, sample rows and the count of all data rows (reads ``records`` to the end)."""
    headers: list[str] | None = None
    samples: list[list[str]] = []
    count = 0
    for _number, cells in records:
        if not any(cell.strip() for cell in cells):
            continue
        if headers is None:
            headers = [cell.strip() for cell in cells]
            continue
        count += 1
        if len(samples) < sample_rows:
            samples.append(cells)
    if headers is None:
        raise file_error("no_header", _("The file has no header row with column names."))
    return headers, samples, count


def _check_rows(headers: list[str], count: int) -> None:
    if not any(headers):
        raise file_error("no_header", _("The first row must name the columns, but it is empty."))
    if count == 0:
        raise file_error("no_rows", _("The file contains column names but no rows to import."))


# --- CSV ------------------------------------------------------------------------------------


def _csv_inspect(file: IO[bytes], *, sample_rows: int) -> TableInfo:
    encoding = _detect_encoding(file)
    sample = _text_sample(file, encoding)
    if _CONTROL.search(sample):
        raise file_error(
            "binary_file",
            _(
                "This does not look like a CSV file: it contains binary data. "
                "Please upload CSV or XLSX."
            ),
        )
    first_line = sample.split("\n", 1)[0].strip()
    sep = _SEP_LINE.match(first_line)
    if sep:
        fmt = TableFormat(kind=CSV, encoding=encoding, delimiter=sep.group(1), sep_line=True)
    else:
        fmt = TableFormat(kind=CSV, encoding=encoding, delimiter=_detect_delimiter(sample))
    headers, samples, count = _first_rows(_csv_records(file, fmt), sample_rows)
    _check_rows(headers, count)
    return TableInfo(format=fmt, headers=headers, samples=samples, total_rows=count)


def _detect_encoding(file: IO[bytes]) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes strictly, else Windows-1252.

    A byte order mark decides by itself: Excel's "Unicode text" export is UTF-16 with one.
    """
    file.seek(0)
    head = file.read(4)
    if head.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        if b"\x00" in _raw_sample(file):
            raise file_error(
                "binary_file",
                _(
                    "This does not look like a CSV file: it contains binary data. "
                    "Please upload CSV or XLSX."
                ),
            )
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        if _decodes_completely(file, encoding):
            return encoding
    raise file_error(
        "unknown_encoding",
        _("The characters of this file cannot be read. Please save it as “CSV UTF-8”."),
    )


def _raw_sample(file: IO[bytes]) -> bytes:
    file.seek(0)
    return file.read(_SAMPLE_CHARS)


def _decodes_completely(file: IO[bytes], encoding: str) -> bool:
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        while chunk := file.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _text_sample(file: IO[bytes], encoding: str) -> str:
    file.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return (
        decoder.decode(file.read(_SAMPLE_CHARS * 2))[:_SAMPLE_CHARS]
        .replace("\r\n", "\n")
        .replace("\r", "\n")
    )


def _detect_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the most equally wide rows."""
    lines = sample.split("\n")
    if len(lines) > 1:
        lines = lines[:-1]  # the sample may end in the middle of a line
    text = "\n".join(lines[:50])
    best: tuple[float, int] = (0.0, 1)
    chosen = _DELIMITERS[0]
    for delimiter in _DELIMITERS:
        try:
            records = [
                r
                for r in csv.reader(io.StringIO(text), delimiter=delimiter)
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        score = (sum(1 for r in records if len(r) == width) / len(records), width)
        if score > best:
            best, chosen = score, delimiter
    return chosen


def _csv_records(file: IO[bytes], fmt: TableFormat) -> Iterator[Row]:
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=fmt.encoding, newline="")
    try:
        if fmt.sep_line:
            text.readline()
        reader = csv.reader(text, delimiter=fmt.delimiter, strict=True)
        number = 0
        last_line = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _malformed(last_line + 1, str(exc)) from None
            except UnicodeDecodeError:
                raise file_error(
                    "unknown_encoding",
                    _("The characters of this file cannot be read. Please save it as “CSV UTF-8”."),
                ) from None
            number += 1
            last_line = reader.line_num
            yield number, record
    finally:
        # The upload's file object belongs to the caller: do not let the wrapper close it.
        text.detach()


def _malformed(line: int, detail: str) -> DomainValidationError:
    if "unexpected end of data" in detail:
        message = _("Line %(line)d: a quotation mark is opened but never closed.")
    elif "expected after" in detail:
        message = _("Line %(line)d: a quotation mark stands in the middle of a value.")
    elif "field larger than field limit" in detail:
        message = _(
            "Line %(line)d: a value is far too long; probably a quotation mark is not closed."
        )
    else:
        message = _("Line %(line)d cannot be read as CSV.")
    return file_error("malformed_csv", message % {"line": line})


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx_inspect(file: IO[bytes], *, sample_rows: int) -> TableInfo:
    headers: list[str] | None = None
    samples: list[list[str]] = []
    header_row = 0
    estimate: int | None = None
    with _first_sheet(file) as sheet:
        max_row = sheet.max_row
        for number, cells in _sheet_records(sheet):
            if not any(cell.strip() for cell in cells):
                continue
            if headers is None:
                headers, header_row = [cell.strip() for cell in cells], number
                continue
            samples.append(cells)
            if len(samples) >= sample_rows:
                break
        if isinstance(max_row, int) and max_row > header_row:
            estimate = max_row - header_row
    if headers is None:
        raise file_error("no_header", _("The first worksheet is empty."))
    _check_rows(headers, len(samples))
    return TableInfo(
        format=TableFormat(kind=XLSX), headers=headers, samples=samples, total_rows=estimate
    )


@contextmanager
def _first_sheet(file: IO[bytes]) -> Iterator[Any]:
    """The first worksheet of the workbook, opened read-only; the workbook is closed afterwards."""
    from openpyxl import load_workbook

    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:
        # Whatever breaks inside a foreign zip format means the same to the user: unreadable.
        raise file_error(
            "invalid_xlsx", _("This file cannot be read as an Excel workbook (.xlsx).")
        ) from None
    try:
        yield sheet
    finally:
        workbook.close()


def _sheet_records(sheet: Any) -> Iterator[Row]:
    try:
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            yield number, cells
    except DomainValidationError:
        raise
    except Exception:  # a damaged sheet inside a valid zip
        raise file_error(
            "invalid_xlsx", _("This file cannot be read as an Excel workbook (.xlsx).")
        ) from None


def _xlsx_records(file: IO[bytes]) -> Iterator[Row]:
    with _first_sheet(file) as sheet:
        yield from _sheet_records(sheet)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
