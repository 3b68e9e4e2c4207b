from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """What every page shows: the company and how to reach a human."""
    return {
        "company_name": settings.COMPANY_NAME,
        "service_phone": settings.SERVICE_PHONE,
        "service_hours": settings.SERVICE_HOURS,
    }
