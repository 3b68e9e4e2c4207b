from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Sequence(models.Model):
    """A named counter for human-facing numbers (customer numbers, later reference numbers).

    Numbers are drawn inside the caller's transaction, so a rolled-back create gives its
    number back instead of leaving a gap that looks like a lost record.
    """

    name = models.CharField(max_length=50, primary_key=True)
    last_value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.last_value}"


class Event(models.Model):
    """The outbox: one row per domain event, written in the same transaction as the change.

    Webhooks, analytics and other consumers read from here, so nothing is lost when a
    worker dies between the change and its side effects.
    """

    name = models.CharField(max_length=100, db_index=True)
    aggregate_type = models.CharField(max_length=50)
    aggregate_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["aggregate_type", "aggregate_id"], name="event_aggregate_idx")]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.name} {self.aggregate_type}:{self.aggregate_id}"
