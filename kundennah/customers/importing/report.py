"""The error report: one line per problem, as a CSV that German Excel opens as it is.

UTF-8 with byte order mark and ``;`` as delimiter. Every cell that a spreadsheet would take for
a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
single quote: the report repeats what the uploaded file said, and that must not run as a
formula on the computer of whoever opens it.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

ErrorLine = tuple[int, str, str, str, str]


def cell_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def error_report_write(target: IO[bytes], errors: Iterable[ErrorLine]) -> int:
    """Write the report to the binary file ``target``; returns the number of lines written."""
    target.write(codecs.BOM_UTF8)
    text = io.TextIOWrapper(target, encoding="utf-8", newline="")
    try:
        writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow([_("Row"), _("Column"), _("Value"), _("Code"), _("Message")])
        count = 0
        for row, column, value, code, message in errors:
            writer.writerow(
                [row, cell_safe(column), cell_safe(value), cell_safe(code), cell_safe(message)]
            )
            count += 1
        text.flush()
    finally:
        text.detach()
    return count
