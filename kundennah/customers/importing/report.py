"""The error report: one line per problem, as a CSV that German Excel opens as it is.

UTF-8 with byte order mark and ``;`` as delimiter (``core.csvsafe``). Every cell that a spreadsheet would take for
a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a leading
single quote: the report repeats what the uploaded file said, and that must not run as a
formula on the computer of whoever opens it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.utils.translation import gettext as _

from kundennah.core.csvsafe import cell_safe, csv_write

__all__ = ["ErrorLine", "cell_safe", "error_report_write"]

ErrorLine = tuple[int, str, str, str, str]


def error_report_write(target: IO[bytes], errors: Iterable[ErrorLine]) -> int:
    """Write the report to the binary file ``target``; returns the number of lines written."""
    # The row number stays a number: it is ours, never what the file said.
    return csv_write(
        target, [_("Row"), _("Column"), _("Value"), _("Code"), _("Message")],
        ([row, column, value, code, message] for row, column, value, code, message in errors),
    )
