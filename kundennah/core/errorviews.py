"""Error pages in the user's language, with the way back and the way to a human."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _render(request: HttpRequest, template: str, status: int) -> HttpResponse:
    try:
        body: str = render_to_string(template, request=request)
    except Exception:  # an error page must never fail itself
        body = f"<h1>{status}</h1>"
    return HttpResponse(body, status=status)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", 403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _render(request, "errors/500.html", 500)
