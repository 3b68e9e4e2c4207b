"""Row checking in helper processes: phone, email, address and IBAN checks cost CPU, and an
import of 100,000 rows should use every core for them.

This module is what a helper process imports first, so it must not import models at the top:
Django is set up by ``init`` before the first chunk arrives.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any


def init(settings_module: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    import django

    django.setup()


def check_chunk(rows: Sequence[tuple[int, list[str]]], plan: Any, language: str) -> list[Any]:
    """``row_check`` for each row, with messages in the language of the person importing."""
    from django.utils import translation

    from kundennah.customers.importing.rows import row_check

    with translation.override(language):
        return [row_check(number, cells, plan) for number, cells in rows]
