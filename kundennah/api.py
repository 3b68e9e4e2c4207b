"""API v1: one NinjaAPI, routers from the apps. OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.security import django_auth

from kundennah.core.api import BearerToken, install_error_handlers


class JsonEverywhereAPI(NinjaAPI):
    """A NinjaAPI that answers in its error format also where ninja's routing answers alone:
    an unknown path under the API (404) and a method a path does not have (405)."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = self._json_not_allowed(pattern.callback)
        # Last, so it catches only what nothing else matched.
        return [*urls, re_path(r"^.*$", csrf_exempt(self._unknown_path))]

    def _error(self, request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
        return self.create_response(request, {"code": code, "message": message, "errors": []}, status=status)

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._error(request, 404, "not_found", _("Not found."))

    def _json_not_allowed(self, view: Any) -> Any:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if isinstance(response, HttpResponseNotAllowed):
                allowed = response["Allow"]
                response = self._error(request, 405, "method_not_allowed", _("This method is not allowed here."))
                response["Allow"] = allowed
            return response

        return wrapped


api = JsonEverywhereAPI(
    title="Kundennah API",
    version="1",
    description=(
        "The central customer record and its timeline. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `kundennah token create --user NAME`). "
        "Errors are JSON with a machine-readable `code`; validation errors (422) list "
        "`{field, code, message}` with `field` pointing into the payload."
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api-v1",
)
install_error_handlers(api)


class ApiRootOut(Schema):
    name: str
    version: str
    openapi: str
    docs: str
    customers: str
    concerns: str
    callbacks: str
    webhooks: str
    products: str
    orders: str
    devices: str


@api.get("/", auth=None, response=ApiRootOut, tags=["meta"], summary="Where everything is")
def api_root(request: HttpRequest) -> dict[str, str]:
    return {
        "name": "Kundennah API",
        "version": "1",
        "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
        "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        "customers": request.build_absolute_uri("/api/v1/customers"),
        "concerns": request.build_absolute_uri("/api/v1/concerns"),
        "callbacks": request.build_absolute_uri("/api/v1/callbacks"),
        "webhooks": request.build_absolute_uri("/api/v1/webhooks"),
        "products": request.build_absolute_uri("/api/v1/products"),
        "orders": request.build_absolute_uri("/api/v1/orders"),
        "devices": request.build_absolute_uri("/api/v1/devices"),
    }


from kundennah.customers.api import router as customers_router  # noqa: E402

api.add_router("/customers", customers_router)

from kundennah.service.api import callbacks_router, webhooks_router  # noqa: E402
from kundennah.service.api import router as concerns_router  # noqa: E402

api.add_router("/concerns", concerns_router)
api.add_router("/callbacks", callbacks_router)
api.add_router("/webhooks", webhooks_router)

from kundennah.commerce.api import (  # noqa: E402
    devices_router,
    orders_router,
    price_lists_router,
    products_router,
    stock_router,
)

api.add_router("/products", products_router)
api.add_router("/price-lists", price_lists_router)
api.add_router("/orders", orders_router)
api.add_router("/devices", devices_router)
api.add_router("/stock-counts", stock_router)

from kundennah.feedback.api import feedback_router, insights_router  # noqa: E402

api.add_router("/insights", insights_router)
api.add_router("/feedback", feedback_router)
