"""Feedback after a contact: the survey link, the answer with its emotional balance, what the
words say, and the insights computed from all of it.

A contact (a resolved concern, a delivered order, a done callback) gets at most one ``Survey``.
Surveys that were not sent (too soon after the last one, opt-out, no address) are kept too, with
the reason: so every contact can say why it was or was not asked, and the outbox consumer that
offers surveys stays idempotent. An answer (``Response``) copies who and what it was about, so
balances per customer, site, team, channel and category are single indexed queries.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kundennah.timeline.models import Interaction


class Survey(models.Model):
    class Trigger(models.TextChoices):
        CONCERN = "concern", _("Concern resolved")
        ORDER = "order", _("Order delivered")
        CALLBACK = "callback", _("Callback done")

    class State(models.TextChoices):
        OFFERED = "offered", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")
        SKIPPED = "skipped", _("Not asked")

    class Skip(models.TextChoices):
        RECENT = "recent", _("Asked recently")
        OPTED_OUT = "opted_out", _("Does not want surveys")
        NO_ADDRESS = "no_address", _("No address to ask")
        REOPENED = "reopened", _("Reopened before asking")

    # Random, 128 bits; the link carries it signed (see ``links.py``).
    key = models.CharField(max_length=32, unique=True)
    trigger = models.CharField(_("after"), max_length=10, choices=Trigger.choices)
    concern = models.ForeignKey("service.Concern", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="surveys", verbose_name=_("concern"))
    order = models.ForeignKey("commerce.Order", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="surveys", verbose_name=_("order"))
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="surveys", verbose_name=_("customer"))
    site = models.ForeignKey("customers.Site", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("site"))
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("team"))
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices)
    category = models.ForeignKey("service.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("category"))
    recipient_email = models.CharField(_("email"), max_length=320, blank=True)
    recipient_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default=settings.LANGUAGE_CODE)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OFFERED)
    skip_reason = models.CharField(_("why not asked"), max_length=12, choices=Skip.choices, blank=True)
    contact_at = models.DateTimeField(_("contact"))
    created_at = models.DateTimeField(auto_now_add=True)
    send_after = models.DateTimeField(_("send from"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link valid until"))

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.UniqueConstraint(fields=["concern"], condition=Q(concern__isnull=False),
                                    name="survey_once_per_concern"),
            models.UniqueConstraint(fields=["order"], condition=Q(order__isnull=False),
                                    name="survey_once_per_order"),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="survey_customer_recent_idx"),
            models.Index(fields=["recipient_email", "-created_at"], name="survey_recipient_recent_idx"),
            models.Index(fields=["state", "send_after"], name="survey_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger}:{self.concern_id or self.order_id}"


class OptOutAddress(models.Model):
    """An address that asked for no surveys, when no customer record holds the decision."""

    address = models.CharField(max_length=320, unique=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.address



class Fulfilled(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Feeling(models.IntegerChoices):
    VERY_BAD = 1, _("Very bad")
    BAD = 2, _("Bad")
    NEUTRAL = 3, _("Neither good nor bad")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("negative")
    NEUTRAL = "neutral", _("neutral")
    POSITIVE = "positive", _("positive")


class Response(models.Model):
    """The customer's answer. Changeable for a few days; the balance follows the change."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="response")
    fulfilled = models.CharField(_("concern fulfilled"), max_length=6, choices=Fulfilled.choices)
    feeling = models.PositiveSmallIntegerField(_("feeling"), choices=Feeling.choices)
    comment = models.TextField(_("comment"), blank=True)
    balance = models.SmallIntegerField(_("emotional balance"))
    answered_at = models.DateTimeField(_("answered"))
    changed_at = models.DateTimeField(_("last changed"))
    changes = models.PositiveSmallIntegerField(default=0)
    # Copied from the survey for aggregation without joins.
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="feedback_responses")
    site = models.ForeignKey("customers.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Interaction.Channel.choices)
    category = models.ForeignKey("service.Category", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    trigger = models.CharField(max_length=10, choices=Survey.Trigger.choices)
    contact_at = models.DateTimeField()
    # What the words say (filled at answer time, refreshed by the insights run).
    language = models.CharField(max_length=2, blank=True)
    sentiment = models.CharField(_("tone"), max_length=8, choices=Sentiment.choices, blank=True)
    sentiment_score = models.FloatField(null=True, blank=True)
    topic = models.CharField(_("topic"), max_length=80, blank=True)
    follow_up = models.ForeignKey("service.Concern", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("follow-up concern"))

    class Meta:
        verbose_name = _("feedback answer")
        verbose_name_plural = _("feedback answers")
        constraints = [
            models.CheckConstraint(condition=Q(feeling__gte=1, feeling__lte=5), name="response_feeling_1_to_5"),
            models.CheckConstraint(condition=Q(balance__gte=-100, balance__lte=100),
                                   name="response_balance_range"),
        ]
        indexes = [
            models.Index(fields=["customer", "-contact_at"], name="response_customer_idx"),
            models.Index(fields=["site", "-contact_at"], name="response_site_idx"),
            models.Index(fields=["team", "-contact_at"], name="response_team_idx"),
            models.Index(fields=["contact_at"], name="response_contact_idx"),
            models.Index(fields=["topic", "balance"], name="response_topic_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}: {self.balance}"

    @property
    def changeable_until(self) -> dt.datetime:
        return self.answered_at + dt.timedelta(days=settings.FEEDBACK_CHANGE_DAYS)


class CustomerBalance(models.Model):
    """A customer's running balance, kept by the answer service so lists show it without
    reading every answer (see ``balance.py`` for the formula)."""

    customer = models.OneToOneField("customers.Customer", on_delete=models.CASCADE, related_name="balance")
    running = models.FloatField(_("running balance"))
    earlier = models.FloatField(_("running balance three answers earlier"), null=True, blank=True)
    answers = models.PositiveIntegerField()
    last_contact_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("customer balance")
        verbose_name_plural = _("customer balances")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.running:.0f}"



class ResponseProduct(models.Model):
    """The products of an order an answer was about: the product driver's data."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="products")
    product = models.ForeignKey("commerce.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "product"], name="response_product_once")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.product_id}"



class MessageTone(models.Model):
    """Sentiment and topic of an inbound message from any channel."""

    message = models.OneToOneField("service.Message", on_delete=models.CASCADE, related_name="tone")
    language = models.CharField(max_length=2, blank=True)
    sentiment = models.CharField(max_length=8, choices=Sentiment.choices)
    sentiment_score = models.FloatField()
    topic = models.CharField(max_length=80, blank=True)
    analysed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.message_id}: {self.sentiment}"



class TextModel(models.Model):
    """A trained sentiment model. The newest one is used; older ones stay for comparison."""

    data = models.BinaryField()
    trained_on = models.PositiveIntegerField(_("trained on answers"))
    accuracy = models.FloatField(_("accuracy (cross-validated)"), null=True, blank=True)
    baseline = models.FloatField(_("majority-class baseline"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sentiment model")
        verbose_name_plural = _("sentiment models")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} ({self.trained_on})"



class InsightRun(models.Model):
    """One computation of topics, tone and drivers; the insights page shows the newest done one."""

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    responses = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    # Topics with label, terms and quotes: {"topics": [{"key", "label", "terms", "size", "quotes": [id…]}]}
    results = models.JSONField(default=dict)
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.state}"



class BalanceCell(models.Model):
    """Answers summed per month, team, channel, site and one driver value (a topic, a category…).

    Built by the insights run; the insights page reads only these, so its time does not grow
    with the number of answers.
    """

    class Dimension(models.TextChoices):
        TOPIC = "topic", _("Topic")
        CATEGORY = "category", _("Category")
        CHANNEL = "channel", _("Channel")
        TEAM = "team", _("Team")
        SITE = "site", _("Site")
        PRODUCT = "product", _("Product")
        ALL = "all", _("All answers")

    month = models.DateField()
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20)
    site = models.ForeignKey("customers.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=80)
    answers = models.PositiveIntegerField()
    balance_sum = models.IntegerField()
    fulfilled = models.PositiveIntegerField()
    negative = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["dimension", "month"], name="balance_cell_idx")]

    def __str__(self) -> str:
        return f"{self.month} {self.dimension}={self.value}"



class DriverAction(models.Model):
    """A driver of bad balance turned into a task with an owner, and its effect followed."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    dimension = models.CharField(_("driver kind"), max_length=10, choices=BalanceCell.Dimension.choices)
    value = models.CharField(max_length=80)
    label = models.CharField(_("driver"), max_length=200)
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="driver_actions",
                              verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    baseline_balance = models.FloatField(_("balance before"))
    baseline_answers = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("task from a driver")
        verbose_name_plural = _("tasks from drivers")
        ordering = ["state", "-created_at"]

    def __str__(self) -> str:
        return self.title
