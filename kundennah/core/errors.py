"""Domain errors every interface understands.

Services raise these; HTML views turn them into form errors, the API into 4xx answers with a
machine-readable code. A field is a path into the input (``sites[0].iban``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Messages may be lazy translations, resolved in the language of whoever reads them.
Message = str | Promise


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: Message

    def prefixed(self, prefix: str) -> FieldError:
        if not prefix:
            return self
        if not self.field:
            return FieldError(prefix, self.code, self.message)
        joiner = "" if self.field.startswith("[") else "."
        return FieldError(f"{prefix}{joiner}{self.field}", self.code, self.message)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": str(self.message)}


class DomainValidationError(Exception):
    """Input that breaks a rule. Nothing has been changed when this is raised."""

    def __init__(self, errors: Iterable[FieldError]):
        self.errors = list(errors)
        super().__init__("; ".join(f"{e.field}: {e.code}" for e in self.errors))

    @classmethod
    def single(cls, field: str, code: str, message: Message) -> DomainValidationError:
        return cls([FieldError(field, code, message)])

    def prefixed(self, prefix: str) -> DomainValidationError:
        return DomainValidationError(e.prefixed(prefix) for e in self.errors)


class ConflictError(Exception):
    """Someone else changed the record since it was read (optimistic concurrency)."""

    code = "version_conflict"

    def __init__(self, message: str | None = None):
        self.message = message or str(
            _("This record was changed by someone else in the meantime. Reload it and try again.")
        )
        super().__init__(self.message)


class ErrorCollector:
    """Gathers field errors from several checks so that the user sees all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    @contextmanager
    def field(self, prefix: str = "") -> Iterator[None]:
        try:
            yield
        except DomainValidationError as exc:
            self.errors.extend(exc.prefixed(prefix).errors)

    def add(self, field: str, code: str, message: Message) -> None:
        self.errors.append(FieldError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise DomainValidationError(self.errors)


class InvalidTransitionError(ConflictError):
    """A state change the record's current state does not allow (409 with the reason)."""

    code = "invalid_transition"

    def __init__(self, message: Message):
        super().__init__(str(message))
