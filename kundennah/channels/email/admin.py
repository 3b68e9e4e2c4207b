"""Mailboxes and the mail taken in, for admins.

Incoming mails are read-only: what became of each, and the raw original to download. An
unreadable mail (or one a fault kept from being taken in) can be taken in again from here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kundennah.channels.email.intake import mail_take_in_again
from kundennah.channels.email.models import InboundMail, Mailbox, OutboundMail
from kundennah.channels.email.parsing import MalformedMail
from kundennah.channels.email.services import ENV_NAME
from kundennah.core.admin_access import RuleGatedAdmin


class AdminOnly(RuleGatedAdmin):
    permission = "mail.manage_mailboxes"


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = (
            "name", "team", "active", "imap_host", "imap_port", "imap_security", "username", "password_env",
            "folder", "done_folder", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
            "smtp_password_env", "from_address", "from_name", "push_secret", "poll_interval",
        )
        widgets = {"push_secret": forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"})}

    def _env_name(self, field: str, required: bool) -> str:
        value = (self.cleaned_data.get(field) or "").strip()
        if (value or required) and not ENV_NAME.match(value):
            raise forms.ValidationError(
                _("Give the name of an environment variable (letters, digits, _), not the password."))
        return value

    def clean_password_env(self) -> str:
        return self._env_name("password_env", True)

    def clean_smtp_password_env(self) -> str:
        return self._env_name("smtp_password_env", False)

    def clean_push_secret(self) -> str:
        secret = (self.cleaned_data.get("push_secret") or "").strip()
        if secret and len(secret) < 16:
            raise forms.ValidationError(_("At least 16 characters."))
        return secret


@admin.register(Mailbox)
class MailboxAdmin(AdminOnly):
    form = MailboxForm
    list_display = ("name", "from_address", "team", "active", "last_polled_at", "error_shown")
    list_filter = ("active", "team")
    readonly_fields = ("last_polled_at", "last_error", "last_error_at")

    @admin.display(description=_("last error"))
    def error_shown(self, obj: Mailbox) -> str:
        return obj.last_error[:120]


@admin.register(InboundMail)
class InboundMailAdmin(AdminOnly):
    list_display = ("received_at", "mailbox", "status", "sender", "subject", "concern_link", "reason")
    list_filter = ("status", "mailbox")
    search_fields = ("sender", "subject", "header_id")
    readonly_fields = [f.name for f in InboundMail._meta.fields if f.name != "html"] + ["raw_link"]
    exclude = ("html",)
    actions = ["take_in_again"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("concern"))
    def concern_link(self, obj: InboundMail) -> str:
        if obj.concern is None:
            return "–"
        return format_html('<a href="/service/concerns/{}/">{}</a>', obj.concern_id, obj.concern.reference)

    @admin.display(description=_("original mail"))
    def raw_link(self, obj: InboundMail) -> str:
        url = reverse("admin:mail_inboundmail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}.eml ({} bytes)</a>', url, obj.raw_sha256[:12], obj.raw_size)

    def get_urls(self) -> list[Any]:
        raw = path("<int:inbound_id>/raw/", self.admin_site.admin_view(self.raw_download), name="mail_inboundmail_raw")
        return [raw, *super().get_urls()]

    def raw_download(self, request: HttpRequest, inbound_id: int) -> FileResponse:
        if not self._may(request):
            raise PermissionDenied
        inbound = InboundMail.objects.filter(pk=inbound_id).first()
        if inbound is None:
            raise Http404
        # As a download, never rendered: the mail is whatever a stranger sent.
        return FileResponse(inbound.raw.open("rb"), as_attachment=True, filename=f"{inbound.raw_sha256[:12]}.eml",
                            content_type="message/rfc822")

    @admin.action(description=_("Take the selected unreadable mails in again"))
    def take_in_again(self, request: HttpRequest, queryset: QuerySet[InboundMail]) -> None:
        done = still = 0
        for inbound in queryset.filter(status=InboundMail.Status.MALFORMED).select_related("mailbox"):
            try:
                mail_take_in_again(inbound=inbound, base_url=request.build_absolute_uri("/"))
                done += 1
            except MalformedMail:
                still += 1
        messages.info(request, _("%(done)d taken in, %(still)d still unreadable.") % {"done": done, "still": still})


@admin.register(OutboundMail)
class OutboundMailAdmin(AdminOnly):
    list_display = ("created_at", "kind", "to_address", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "kind", "mailbox")
    search_fields = ("to_address", "subject", "header_id")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
