"""The timeline: every contact on every channel, one row each, written only via services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Interaction(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        LETTER = "letter", _("Letter")
        WEBFORM = "webform", _("Web form")
        PORTAL = "portal", _("Portal")
        CHAT = "chat", _("Chat")
        SOCIAL = "social", _("Social media")
        IN_PERSON = "in_person", _("In person")
        ORDER = "order", _("Order")
        FEEDBACK = "feedback", _("Feedback")

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the customer")
        OUTBOUND = "outbound", _("To the customer")
        INTERNAL = "internal", _("Internal")

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="interactions", db_index=False
    )
    site = models.ForeignKey(
        "customers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    occurred_at = models.DateTimeField(_("when"))
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("by"),
    )
    # What the contact belongs to elsewhere in the system (a concern, an order…).
    source_type = models.CharField(max_length=30, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # Lets channels and retries write the same contact twice without a second row.
    external_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at", "-id"], name="interaction_timeline_idx"),
            models.Index(
                fields=["customer", "channel", "-occurred_at", "-id"], name="interaction_channel_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.occurred_at:%Y-%m-%d} {self.subject}"
