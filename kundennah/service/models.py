"""The service desk: concerns from every channel, their messages, and the promise kept on them.

Fields and small predicates only; every write goes through ``service.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kundennah.timeline.models import Interaction


class BundesLand(models.TextChoices):
    NONE = "", _("(nationwide holidays only)")
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


def default_business_hours() -> dict[str, list[str]]:
    return {str(weekday): ["08:00", "18:00"] for weekday in range(5)}


class TeamCalendar(models.Model):
    """When a team works: hours per weekday (0 = Monday), time zone, Bundesland, closing days.

    A team without one works Mon–Fri 08:00–18:00 Europe/Berlin with nationwide holidays.
    """

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="calendar")
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Berlin")
    state = models.CharField(_("Bundesland"), max_length=2, choices=BundesLand.choices, blank=True, default="")
    # {"0": ["08:00", "18:00"], …}; a weekday that is missing is closed.
    hours = models.JSONField(_("business hours"), default=default_business_hours)
    # Shown to customers beside the phone number ("Mo–Fr 8–18 Uhr").
    phone = models.CharField(_("phone number for customers"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"{self.team}"


class ClosingDay(models.Model):
    calendar = models.ForeignKey(TeamCalendar, on_delete=models.CASCADE, related_name="closing_days")
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("closing day")
        verbose_name_plural = _("closing days")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="closing_day_unique")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class ResolutionTarget(models.Model):
    """How many business hours a concern may take to be resolved, per priority and category.

    The most specific row wins: priority + category, then priority alone (category empty).
    """

    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="resolution_targets",
        verbose_name=_("category"),
    )
    business_hours = models.PositiveIntegerField(_("business hours to resolve"))

    class Meta:
        verbose_name = _("resolution target")
        verbose_name_plural = _("resolution targets")
        constraints = [
            models.UniqueConstraint(fields=["priority", "category"], name="resolution_target_unique"),
            models.UniqueConstraint(
                fields=["priority"], condition=Q(category__isnull=True), name="resolution_target_default_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.priority}/{self.category or '*'}: {self.business_hours} h"


class RoutingRule(models.Model):
    """Where a new concern goes: the first active rule (by position) whose set fields all match."""

    position = models.PositiveIntegerField(_("position"), default=100)
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices, blank=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("category")
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("customer"),
    )
    site = models.ForeignKey(
        "customers.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("site")
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"#{self.position} → {self.team}"


class AgentPresence(models.Model):
    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        AWAY = "away", _("Away")
        OFF = "off", _("Off")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="presence")
    status = models.CharField(_("presence"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("presence")
        verbose_name_plural = _("presences")

    def __str__(self) -> str:
        return f"{self.user}: {self.status}"


class Concern(models.Model):
    """An Anliegen: anything a customer wants from us, from any channel."""

    class Kind(models.TextChoices):
        CONCERN = "concern", _("Concern")
        CALLBACK = "callback", _("Callback request")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        WAITING_CUSTOMER = "waiting_customer", _("Waiting for customer")
        WAITING_THIRD_PARTY = "waiting_third_party", _("Waiting for third party")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Sla(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        BREACHED = "breached", _("Overdue")
        MET = "met", _("Kept")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONCERN)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="concerns",
        verbose_name=_("customer"),
    )
    site = models.ForeignKey(
        "customers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns",
        verbose_name=_("site"),
    )
    # Who got in touch, as they gave it: kept also once the customer is known, and the only
    # identity of an unidentified contact until an agent links a customer.
    contact_name = models.CharField(_("name"), max_length=200, blank=True)
    contact_email = models.CharField(_("email"), max_length=320, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The portal user who raised it, if any: customers see their own concerns.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices)
    subject = models.CharField(_("subject"), max_length=300)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns",
        verbose_name=_("category"),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="concerns",
        verbose_name=_("team"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_concerns",
        verbose_name=_("assignee"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    received_at = models.DateTimeField(_("received"))
    # The promise. None while paused (waiting for the customer) or once kept.
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The earliest due time that still counts: what the inbox sorts by and the sweep watches.
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The inbox's sort key: due_at for open concerns (far in the future while the clock is
    # paused), NULL once resolved or closed. Partial indexes on it let the first page of a
    # million concerns be read in index order instead of sorting every open one.
    inbox_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the promise was made, for "x % of the time used" (at risk).
    promised_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(_("promise"), max_length=10, choices=Sla.choices, default=Sla.ON_TRACK)
    waiting_since = models.DateTimeField(null=True, blank=True)
    # Callbacks: the window the customer chose and the number to call.
    callback_from = models.DateTimeField(_("call from"), null=True, blank=True)
    callback_until = models.DateTimeField(_("call until"), null=True, blank=True)
    # A human reached the customer (first outbound message or callback done): "time to a human".
    human_reached_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_concerns",
        verbose_name=_("merged into"),
    )
    # Concerns that may belong together (a mail naming another concern's reference from a
    # sender we could not tie to it): for an agent to look at, never merged automatically.
    related = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name=_("possibly related"))
    # Shown to the customer on the acknowledgement page; a secret, not a permission.
    access_token = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at", "due_at", "inbox_due_at", "sla_state"])

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-received_at", "-id"]
        indexes = [
            # The inbox: open work in due order, overall, per team and per assignee.
            models.Index(fields=["inbox_due_at", "id"], name="concern_inbox_idx",
                         condition=Q(inbox_due_at__isnull=False)),
            models.Index(fields=["team", "inbox_due_at", "id"], name="concern_inbox_team_idx",
                         condition=Q(inbox_due_at__isnull=False)),
            models.Index(fields=["assignee", "inbox_due_at", "id"], name="concern_inbox_assignee_idx",
                         condition=Q(inbox_due_at__isnull=False)),
            # Open callbacks, pinned above every view: a few among many, so an index of their own.
            models.Index(fields=["inbox_due_at", "id"], name="concern_inbox_callback_idx",
                         condition=Q(inbox_due_at__isnull=False, kind="callback")),
            models.Index(fields=["customer", "-received_at"], name="concern_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    OPEN_STATES = (Status.NEW, Status.OPEN, Status.WAITING_CUSTOMER, Status.WAITING_THIRD_PARTY)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_callback(self) -> bool:
        return self.kind == self.Kind.CALLBACK

    @property
    def display_contact(self) -> str:
        if self.customer is not None:
            return self.customer.display_name
        return self.contact_name or self.contact_email or self.contact_phone


class ConcernPause(models.Model):
    """A span in which the clock stood still because we waited for the customer."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or '…'}"


class Message(models.Model):
    class Kind(models.TextChoices):
        INBOUND = "inbound", _("From the customer")
        OUTBOUND = "outbound", _("To the customer")
        NOTE = "note", _("Internal note")

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("by"),
    )
    sender_name = models.CharField(_("from"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices)
    # A channel's own id for the message (webhook delivery id, Message-ID…): stored once.
    external_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["concern", "created_at", "id"], name="message_concern_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_visible_to_customer(self) -> bool:
        return self.kind != self.Kind.NOTE


def _attachment_path(attachment: Attachment, filename: str) -> str:
    # Never the customer's file name on disk: no path tricks, no collisions, no guessing.
    return f"attachments/{attachment.sha256[:2]}/{attachment.sha256}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # A mail's inline image: the Content-ID its HTML refers to as "cid:…".
    content_id = models.CharField(max_length=250, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class AnswerTemplate(models.Model):
    """A reusable answer; ``{{ customer.name }}``-style placeholders are filled when inserted."""

    name = models.CharField(_("name"), max_length=100)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="de")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="answer_templates",
        verbose_name=_("team"),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.name


class InboundSource(models.Model):
    """A system allowed to post concerns to the signed inbound webhook (chat, social, forms)."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices)
    secret = models.CharField(_("signing secret"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("inbound webhook source")
        verbose_name_plural = _("inbound webhook sources")

    def __str__(self) -> str:
        return self.name
