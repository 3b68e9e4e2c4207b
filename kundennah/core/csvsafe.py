"""CSV files that German Excel opens as they are, and that cannot run formulas.

UTF-8 with byte order mark and ``;`` as delimiter. Every cell that a spreadsheet would take for
a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
single quote: exports repeat what customers and users typed, and that must not run as a formula
on the computer of whoever opens the file.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_write(target: IO[bytes], header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> int:
    """Write ``header`` and ``rows`` (every cell made safe) to the binary file ``target``; returns the rows."""
    target.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(target, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([cell_safe(cell) for cell in header])
        count = 0
        for row in rows:
            writer.writerow([cell_safe(cell) for cell in row])
            count += 1
        text.flush()
    finally:
        text.detach()
    return count
