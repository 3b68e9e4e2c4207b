"""Admin pages opened by one rule instead of Django's model permissions.

Roles decide who manages what (ADR 0001); each admin class names the rule that opens it.
"""

from __future__ import annotations

from typing import Any

import rules
from django.contrib import admin
from django.http import HttpRequest


class RuleGatedAdmin(admin.ModelAdmin):
    """Open, for viewing and changing alike, to whoever holds ``permission``."""

    permission = ""

    def _may(self, request: HttpRequest) -> bool:
        return bool(rules.has_perm(self.permission, request.user))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may(request)
