"""API plumbing shared by every router: authentication and one error format.

Every error the API gives is JSON with a machine-readable ``code``; validation errors carry
``errors``, a list of ``{field, code, message}`` where ``field`` points into the payload
(``sites[0].iban``). Messages follow the caller's language (profile, then Accept-Language).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params import HeaderEx, P
from ninja.security import HttpBearer

from kundennah.accounts.tokens import api_token_authenticate
from kundennah.core.errors import ConflictError, DomainValidationError


class FieldErrorOut(Schema):
    field: str
    code: str
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut] = []


ERRORS_READ = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
ERRORS_WRITE = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class BearerToken(HttpBearer):
    """``Authorization: Bearer kn_…`` with a token from ``kundennah token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            # Services and audit history read the acting user from here, as for a session.
            request.user = user
            # The language middleware ran before the token was known: a client that does not
            # ask for a language gets the one of the token's user.
            if "HTTP_ACCEPT_LANGUAGE" not in request.META and user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        return user


def _error(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
           errors: list[dict[str, str]] | None = None) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or []}, status=status
    )


def _pydantic_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    # ninja puts the source ("body", "query"…) and the parameter name first.
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        source = parts.pop(0)
        if source == "body" and parts and isinstance(parts[0], str) and parts[0] == "payload":
            parts.pop(0)
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


_PYDANTIC_CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "invalid_characters": "invalid_characters",
    "datetime_out_of_range": "out_of_range",
    "invalid_cursor": "invalid_cursor",
    "greater_than_equal": "out_of_range",
    "less_than_equal": "out_of_range",
    "decimal_max_digits": "out_of_range",
    "decimal_max_places": "too_many_decimal_places",
    "decimal_whole_digits": "out_of_range",
    "finite_number": "invalid_number",
    "int_from_float": "invalid_number",
    "int_type": "invalid_number",
    "float_parsing": "invalid_number",
    "decimal_type": "invalid_number",
    "bool_parsing": "invalid_boolean",
    "bool_type": "invalid_boolean",
    "string_type": "invalid_text",
    "list_type": "invalid_list",
    "dict_type": "invalid_object",
    "model_type": "invalid_object",
    "model_attributes_type": "invalid_object",
    "date_type": "invalid_date",
    "datetime_type": "invalid_datetime",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "int_parsing": "invalid_number",
    "decimal_parsing": "invalid_number",
    "date_from_datetime_parsing": "invalid_date",
    "date_parsing": "invalid_date",
    "datetime_parsing": "invalid_datetime",
    "datetime_from_date_parsing": "invalid_datetime",
    "extra_forbidden": "unknown_field",
    "json_invalid": "invalid_json",
}


def _pydantic_message(code: str) -> str:
    return {
        "required": _("This field is required."),
        "too_long": _("This value is too long."),
        "too_short": _("This value is too short."),
        "invalid_choice": _("This value is not one of the allowed values."),
        "invalid_number": _("Please give a number."),
        "invalid_date": _("Please give a date as YYYY-MM-DD."),
        "invalid_datetime": _("Please give a date and time in ISO 8601 with time zone."),
        "unknown_field": _("This field is unknown."),
        "invalid_json": _("The request body is not valid JSON."),
        "invalid_characters": _("This value contains characters that cannot be stored."),
        "out_of_range": _("This value is out of range."),
        "invalid_cursor": _("This cursor is not valid; use next_cursor of the previous page."),
        "too_many_decimal_places": _("At most two decimal places."),
        "invalid_boolean": _("Please give true or false."),
        "invalid_text": _("Please give a text."),
        "invalid_list": _("Please give a list."),
        "invalid_object": _("Please give an object."),
    }.get(code, _("This value is not valid."))


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainValidationError)
    def domain_validation(request: HttpRequest, exc: DomainValidationError) -> HttpResponse:
        return _error(api, request, 422, "validation_error", _("Please correct the marked fields."),
                      [e.as_dict() for e in exc.errors])

    @api.exception_handler(NinjaValidationError)
    def schema_validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        if any((item.get("loc") or ("",))[0] == "path" for item in exc.errors):
            # /customers/abc names no customer: the same answer as an id that does not exist.
            return _error(api, request, 404, "not_found", _("Not found."))
        errors = []
        for item in exc.errors:
            code = _PYDANTIC_CODES.get(str(item.get("type", "")), "invalid")
            errors.append({"field": _pydantic_path(item.get("loc", ())), "code": code,
                           "message": _pydantic_message(code)})
        return _error(api, request, 422, "validation_error", _("Please correct the marked fields."), errors)

    @api.exception_handler(ConflictError)
    def conflict(request: HttpRequest, exc: ConflictError) -> HttpResponse:
        return _error(api, request, 409, exc.code, exc.message)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _error(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return _error(api, request, 403, "forbidden", _("You are not allowed to do this."))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _error(api, request, 401, "unauthorized",
                          _("Please authenticate with a bearer token or a session."))
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return _error(api, request, 413, "too_large", _("The request body is too large."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return _error(api, request, 400, "invalid_json", _("The request body is not valid JSON."))
        codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                 429: "rate_limited"}
        return _error(api, request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


# Headers the write endpoints share.
IfMatch = HeaderEx[str | None, P(alias="If-Match", max_length=100, description='ETag as read, e.g. W/"3"')]
IdempotencyKey = HeaderEx[
    str | None,
    P(alias="Idempotency-Key", min_length=1, max_length=200,
      description="The same key with the same body returns the first answer (24 hours)"),
]
