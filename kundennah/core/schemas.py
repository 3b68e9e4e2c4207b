"""What every API input shares: text that can be stored, times that can be converted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

# Times outside these years cannot be converted between time zones reliably.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999


def _check_value(value: Any) -> None:
    if isinstance(value, str):
        # PostgreSQL refuses NUL in text, and lone surrogates cannot be stored as UTF-8.
        if "\x00" in value:
            raise PydanticCustomError("invalid_characters", "contains NUL")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise PydanticCustomError("invalid_characters", "not UTF-8") from None
    elif isinstance(value, dt.datetime):
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise PydanticCustomError("datetime_out_of_range", "year out of range")
    elif isinstance(value, list):
        for item in value:
            _check_value(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_value(key)
            _check_value(item)


class Checked(Schema):
    """Base of every input: text must be storable, times convertible."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        _check_value(value)
        return value
