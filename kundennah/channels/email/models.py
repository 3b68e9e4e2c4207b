"""Mailboxes we read and send from, every mail taken in (kept raw), and the mail outbox."""

from __future__ import annotations

import datetime as dt
import os

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (local servers only)")


class Mailbox(models.Model):
    """One address customers write to: read by IMAP, answered by SMTP, routed to a team.

    Passwords never live in the database: the mailbox names the environment variable that
    holds each one.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes",
        verbose_name=_("team"), help_text=_("New concerns from this mailbox go to this team."),
    )
    active = models.BooleanField(_("active"), default=True)
    imap_host = models.CharField(_("IMAP server"), max_length=255)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(_("IMAP security"), max_length=10, choices=Security.choices,
                                     default=Security.SSL)
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(
        _("password variable"), max_length=100,
        help_text=_("Name of the environment variable that holds the password."),
    )
    folder = models.CharField(_("folder"), max_length=200, default="INBOX")
    done_folder = models.CharField(
        _("folder for processed mail"), max_length=200, blank=True,
        help_text=_("Processed mails are moved here; left empty, they are deleted from the server."),
    )
    smtp_host = models.CharField(_("SMTP server"), max_length=255)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=465)
    smtp_security = models.CharField(_("SMTP security"), max_length=10, choices=Security.choices,
                                     default=Security.SSL)
    smtp_username = models.CharField(_("SMTP user name"), max_length=255, blank=True,
                                     help_text=_("Left empty: the IMAP user name."))
    smtp_password_env = models.CharField(_("SMTP password variable"), max_length=100, blank=True,
                                         help_text=_("Left empty: the IMAP password variable."))
    from_address = models.EmailField(_("sender address"), max_length=254)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    push_secret = models.CharField(
        _("push signing secret"), max_length=200, blank=True,
        help_text=_("For providers that push mail to /hooks/mail/<name>/ (signed like inbound webhooks); "
                    "left empty, pushing is refused."),
    )
    poll_interval = models.PositiveIntegerField(_("poll every (seconds)"), default=60)
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} <{self.from_address}>"

    @property
    def imap_password(self) -> str:
        return os.environ.get(self.password_env, "")

    @property
    def smtp_user(self) -> str:
        return self.smtp_username or self.username

    @property
    def smtp_password(self) -> str:
        return os.environ.get(self.smtp_password_env or self.password_env, "")

    def due_for_poll(self, now: dt.datetime) -> bool:
        return self.last_polled_at is None or (now - self.last_polled_at).total_seconds() >= self.poll_interval


class InboundMail(models.Model):
    """Every mail taken in, kept raw: what became of it, and where it came from on the server.

    The row is written in the same transaction as the concern or message it became, so a
    mail fetched again after a crash is recognised by (mailbox, UIDVALIDITY, UID) and by its
    Message-ID and stored once.
    """

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Taken in")
        DUPLICATE = "duplicate", _("Duplicate")
        LOOP = "loop", _("Automatic mail, not answered")
        BOUNCE = "bounce", _("Bounce")
        MALFORMED = "malformed", _("Unreadable")

    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="inbound_mails",
                                verbose_name=_("mailbox"))
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    # The Message-ID header without angle brackets ("" if the mail had none).
    header_id = models.CharField(_("Message-ID"), max_length=998, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    sender = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    raw = models.FileField(_("original mail"), upload_to="mail/raw/", max_length=200)
    raw_sha256 = models.CharField(max_length=64)
    raw_size = models.PositiveBigIntegerField(default=0)
    concern = models.ForeignKey("service.Concern", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inbound_mails", verbose_name=_("concern"))
    message = models.ForeignKey("service.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inbound_mails")
    # How the mail found its concern ("header", "reply-address", "subject-reference", "new").
    threaded_by = models.CharField(max_length=20, blank=True)
    has_remote_images = models.BooleanField(default=False)
    html = models.TextField(blank=True)  # sanitised; remote images blocked
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("incoming mail")
        verbose_name_plural = _("incoming mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mailbox", "uidvalidity", "uid"], condition=Q(uid__isnull=False),
                                    name="inbound_mail_once_per_uid"),
        ]
        indexes = [
            models.Index(fields=["header_id"], name="inbound_mail_header_id_idx"),
            models.Index(fields=["status", "-received_at"], name="inbound_mail_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"


class OutboundMail(models.Model):
    """The mail outbox: written with the reply (same transaction), sent by a job with retries."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")

    concern = models.ForeignKey("service.Concern", on_delete=models.CASCADE, related_name="outbound_mails")
    message = models.ForeignKey("service.Message", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="outbound_mails")
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="outbound_mails")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REPLY)
    to_address = models.CharField(_("to"), max_length=320)
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    # Our Message-ID for this mail, without angle brackets: replies find the concern by it.
    header_id = models.CharField(max_length=250, unique=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)  # Message-IDs, space-separated, oldest first
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("error"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbound_mail_due_idx",
                         condition=Q(status="queued")),
            models.Index(fields=["concern", "created_at"], name="outbound_mail_concern_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to_address}: {self.subject}"
