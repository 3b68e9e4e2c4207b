"""Writes of feedback: offering surveys after contacts, sending them, taking the answers.

Surveys are offered by reading the outbox (``concern.resolved``, ``order.shipped``), not by
hooks in other apps' services: the service desk and ordering know nothing of feedback, and a
worker that dies between a resolution and its survey loses nothing, because the next run reads
the same events again. Every survey is unique per contact, so reading twice offers once.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kundennah.commerce.models import Order
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.events import event_record
from kundennah.core.models import Event, Sequence
from kundennah.core.ratelimit import hits_over_limit
from kundennah.customers.models import Consent, ContactPoint, Customer
from kundennah.feedback.balance import contact_balance, is_negative_answer, standing_of
from kundennah.feedback.links import survey_key_new
from kundennah.feedback.models import (
    CustomerBalance,
    Fulfilled,
    OptOutAddress,
    Response,
    ResponseProduct,
    Survey,
)
from kundennah.feedback.tone import tones_of
from kundennah.service.models import Concern, Priority
from kundennah.timeline.models import Interaction

log = logging.getLogger(__name__)

MARK = "feedback-offer"
# Events are re-read this far back on every run: ids are handed out before commit, so one can
# appear after a higher one was read. Offering is idempotent, so re-reading costs only a query.
OVERLAP = 1000
BATCH = 500
OFFER_EVENTS = ("concern.resolved", "concern.closed", "order.shipped")
COMMENT_LIMIT = 2000


class TooManyAnswers(Exception):
    """Answers from one network address beyond the hourly limit: refused, nothing stored."""


# --- Offering -------------------------------------------------------------------------------


def surveys_offer_from_events(*, limit: int = BATCH) -> int:
    """Offer a survey for every contact that ended since the last run. Returns surveys created.

    Safe to run concurrently and repeatedly (the mark row is locked; a survey is unique per
    concern and per order).
    """
    created = 0
    with transaction.atomic():
        mark, _new = Sequence.objects.select_for_update().get_or_create(name=MARK)
        events = list(
            Event.objects.filter(id__gt=max(mark.last_value - OVERLAP, 0), name__in=OFFER_EVENTS)
            .only("id", "name", "aggregate_id", "occurred_at")
            .order_by("id")[:limit]
        )
        for event in events:
            if _offer_for(event) is not None:
                created += 1
        if events and events[-1].pk > mark.last_value:
            mark.last_value = events[-1].pk
            mark.save(update_fields=["last_value"])
    return created


def _offer_for(event: Event) -> Survey | None:
    if event.name.startswith("order."):
        order = Order.objects.filter(pk=event.aggregate_id).select_related("placed_by", "customer", "site").first()
        if order is None or Survey.objects.filter(order=order).exists():
            return None
        return survey_offer(order=order, now=event.occurred_at)
    concern = (
        Concern.objects.filter(pk=event.aggregate_id)
        .select_related("customer", "site", "team", "raised_by", "category").first()
    )
    if concern is None or concern.merged_into_id or Survey.objects.filter(concern=concern).exists():
        return None
    return survey_offer(concern=concern, now=event.occurred_at)


@dataclass
class _Contact:
    trigger: str
    customer: Customer | None
    site: Any
    team: Any
    channel: str
    category: Any
    email: str
    name: str
    language: str
    subject: str
    send_after: dt.datetime


def _contact_of(*, concern: Concern | None, order: Order | None, now: dt.datetime) -> _Contact:
    if order is not None:
        placed_by = order.placed_by
        return _Contact(
            trigger=Survey.Trigger.ORDER, customer=order.customer, site=order.site, team=None,
            channel=Interaction.Channel.ORDER, category=None,
            email=getattr(placed_by, "email", "") or order.invoice_email,
            name=(placed_by.get_full_name() if placed_by else "") or "",
            language=getattr(placed_by, "language", "") or "de", subject=str(order.number),
            send_after=now + dt.timedelta(days=settings.FEEDBACK_ORDER_DELAY_DAYS),
        )
    assert concern is not None
    email = concern.contact_email or getattr(concern.raised_by, "email", "")
    if not email and concern.customer_id:
        email = _customer_email(concern.customer_id)
    return _Contact(
        trigger=Survey.Trigger.CALLBACK if concern.is_callback else Survey.Trigger.CONCERN,
        customer=concern.customer, site=concern.site, team=concern.team, channel=concern.channel,
        category=concern.category, email=email, name=concern.contact_name, language=concern.language or "de",
        subject=f"{concern.reference} · {concern.subject}"[:300],
        send_after=now + dt.timedelta(minutes=settings.FEEDBACK_CONCERN_DELAY_MINUTES),
    )


def _customer_email(customer_id: int) -> str:
    return (
        ContactPoint.objects.filter(customer_id=customer_id, kind=ContactPoint.Kind.EMAIL,
                                    status=ContactPoint.Status.ACTIVE)
        .order_by("-is_primary", "-is_verified", "id").values_list("value", flat=True).first() or ""
    )


def survey_opted_out(*, customer: Customer | None, email: str) -> bool:
    """The customer's newest decision on surveys says no (any channel), or the address said no."""
    if customer is not None:
        latest = (
            Consent.objects.filter(customer=customer, purpose=Consent.Purpose.SURVEYS)
            .order_by("-recorded_at", "-id").values_list("granted", flat=True).first()
        )
        if latest is False:
            return True
    return bool(email) and OptOutAddress.objects.filter(address=email.strip().lower()).exists()


def _asked_recently(*, customer: Customer | None, email: str, now: dt.datetime) -> bool:
    since = now - dt.timedelta(days=settings.FEEDBACK_SURVEY_GAP_DAYS)
    asked = Survey.objects.filter(created_at__gte=since).exclude(state=Survey.State.SKIPPED)
    if customer is not None:
        return asked.filter(customer=customer).exists()
    return bool(email) and asked.filter(recipient_email__iexact=email).exists()


def survey_offer(*, concern: Concern | None = None, order: Order | None = None,
                 now: dt.datetime | None = None) -> Survey:
    """The survey for one contact: to be sent after a short wait, or skipped with its reason.

    Idempotent: a second call for the same contact returns the first survey.
    """
    now = now or timezone.now()
    contact = _contact_of(concern=concern, order=order, now=now)
    skip = ""
    if not contact.email:
        skip = Survey.Skip.NO_ADDRESS
    elif survey_opted_out(customer=contact.customer, email=contact.email):
        skip = Survey.Skip.OPTED_OUT
    elif _asked_recently(customer=contact.customer, email=contact.email, now=now):
        skip = Survey.Skip.RECENT
    survey = Survey(
        key=survey_key_new(), trigger=contact.trigger, concern=concern, order=order, customer=contact.customer,
        site=contact.site, team=contact.team, channel=contact.channel, category=contact.category,
        recipient_email=contact.email[:320], recipient_name=contact.name[:200],
        language=contact.language if contact.language in {"de", "en"} else "de", subject=contact.subject,
        state=Survey.State.SKIPPED if skip else Survey.State.OFFERED, skip_reason=skip,
        contact_at=now, send_after=contact.send_after,
        expires_at=contact.send_after + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS),
    )
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        existing = Survey.objects.filter(concern=concern) if concern is not None else Survey.objects.filter(order=order)
        return existing.get()
    return survey


# --- Sending --------------------------------------------------------------------------------


def survey_still_wanted(survey: Survey) -> bool:
    """A concern reopened before the survey went out is not over: no survey for it."""
    if survey.concern_id is None:
        return True
    status = Concern.objects.filter(pk=survey.concern_id).values_list("status", flat=True).first()
    return status in {Concern.Status.RESOLVED, Concern.Status.CLOSED}


def surveys_due(*, now: dt.datetime | None = None, limit: int = 200) -> list[int]:
    now = now or timezone.now()
    return list(
        Survey.objects.filter(state=Survey.State.OFFERED, send_after__lte=now)
        .order_by("send_after").values_list("id", flat=True)[:limit]
    )


def survey_mark_sent(*, survey_id: int, now: dt.datetime | None = None) -> Survey | None:
    """Claim a due survey for sending (a conditional update: two workers never both send it).
    Returns the survey to send, or None when it was sent, skipped or is no longer wanted."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update().filter(pk=survey_id, state=Survey.State.OFFERED).first()
        if survey is None:
            return None
        if not survey_still_wanted(survey):
            survey.state, survey.skip_reason = Survey.State.SKIPPED, Survey.Skip.REOPENED
            survey.save(update_fields=["state", "skip_reason"])
            return None
        survey.state, survey.sent_at = Survey.State.SENT, now
        survey.expires_at = max(survey.expires_at, now + dt.timedelta(days=settings.FEEDBACK_LINK_DAYS))
        survey.save(update_fields=["state", "sent_at", "expires_at"])
    return survey


def survey_mark_unsent(*, survey_id: int) -> None:
    """The mail could not be handed over: offer it again on the next run."""
    Survey.objects.filter(pk=survey_id, state=Survey.State.SENT).update(state=Survey.State.OFFERED, sent_at=None)


def survey_opened(*, survey: Survey, now: dt.datetime | None = None) -> None:
    if survey.opened_at is None:
        Survey.objects.filter(pk=survey.pk, opened_at__isnull=True).update(opened_at=now or timezone.now())


# --- Answering ------------------------------------------------------------------------------


def survey_is_answerable(survey: Survey, *, now: dt.datetime | None = None) -> bool:
    """A link works until it expires; an answer can be changed for a few days after it was given."""
    now = now or timezone.now()
    if survey.state == Survey.State.SKIPPED:
        return False
    answered = getattr(survey, "response", None)
    if answered is not None:
        return now <= answered.changeable_until
    return now <= survey.expires_at


def _check_answer(fulfilled: str, feeling: Any, comment: str) -> tuple[str, int, str]:
    errors = ErrorCollector()
    if fulfilled not in Fulfilled.values:
        errors.add("fulfilled", "required", _("Please say whether your concern was fulfilled."))
    try:
        feeling_value = int(feeling)
    except (TypeError, ValueError):
        feeling_value = 0
    if not 1 <= feeling_value <= 5:
        errors.add("feeling", "required", _("Please choose how you felt, from very bad to very good."))
    text = (comment or "").replace("\x00", "").strip()
    if len(text) > COMMENT_LIMIT:
        errors.add("comment", "too_long", _("Please keep your comment to at most %(limit)d characters (now %(count)d).")
                   % {"limit": COMMENT_LIMIT, "count": len(text)})
    errors.raise_if_any()
    return fulfilled, feeling_value, text


def _throttle(address: str) -> None:
    if address and hits_over_limit(f"feedback:answers:{address}", limit=settings.FEEDBACK_ANSWERS_PER_ADDRESS_HOUR,
                                   window_seconds=3600):
        raise TooManyAnswers


def survey_answer(*, survey: Survey, fulfilled: str, feeling: Any, comment: str = "", address: str = "",
                  now: dt.datetime | None = None) -> Response:
    """Take (or change) the answer to a survey.

    The balance is computed here, the customer's running balance follows, and an unfulfilled or
    negative answer opens a follow-up concern for a human, once per answer. Submitting the same
    answer twice (a double click, a retry) changes nothing.
    """
    fulfilled, feeling_value, text = _check_answer(fulfilled, feeling, comment)
    now = now or timezone.now()
    _throttle(address)
    tone = tones_of([text])[0] if text else None
    with transaction.atomic():
        locked = Survey.objects.select_for_update(of=("self",)).select_related("concern", "order").get(pk=survey.pk)
        response = Response.objects.filter(survey=locked).first()
        locked.response = response
        if not survey_is_answerable(locked, now=now):
            raise DomainValidationError.single("survey", "closed", _("This survey can no longer be answered."))
        balance = contact_balance(fulfilled=fulfilled, feeling=feeling_value)
        if response is not None and (response.fulfilled, response.feeling, response.comment) == (
                fulfilled, feeling_value, text):
            return response
        if response is None:
            response = Response(
                survey=locked, answered_at=now, customer_id=locked.customer_id, site_id=locked.site_id,
                team_id=locked.team_id, channel=locked.channel, category_id=locked.category_id,
                trigger=locked.trigger, contact_at=locked.contact_at,
            )
        else:
            response.changes += 1
        response.fulfilled, response.feeling, response.comment = fulfilled, feeling_value, text
        response.balance, response.changed_at = balance, now
        response.language = tone.language if tone else ""
        response.sentiment = tone.sentiment if tone else ""
        response.sentiment_score = tone.score if tone else None
        response.save()
        if locked.order is not None and not response.products.exists():
            ResponseProduct.objects.bulk_create(
                [ResponseProduct(response=response, product_id=pid)
                 for pid in set(locked.order.lines.values_list("product_id", flat=True))],
                ignore_conflicts=True,
            )
        if locked.state != Survey.State.ANSWERED:
            locked.state = Survey.State.ANSWERED
            locked.save(update_fields=["state"])
        standing = customer_balance_refresh(customer_id=locked.customer_id) if locked.customer_id else None
        if is_negative_answer(fulfilled=fulfilled, balance=balance) and response.follow_up_id is None:
            response.follow_up = _follow_up_open(locked, response, running_negative=bool(
                standing and standing.running < 0))
            response.save(update_fields=["follow_up"])
        _timeline(locked, response)
        event_record(name="feedback.answered", aggregate_type="survey", aggregate_id=locked.pk, payload={
            "survey_id": locked.pk, "customer_id": locked.customer_id, "trigger": locked.trigger,
            "fulfilled": fulfilled, "feeling": feeling_value, "balance": balance,
            "follow_up_concern_id": response.follow_up_id,
        })
    return response


def customer_balance_refresh(*, customer_id: int) -> Any:
    """Recompute the customer's running balance from all their answers (oldest first)."""
    balances = list(
        Response.objects.filter(customer_id=customer_id).order_by("contact_at", "id")
        .values_list("balance", "contact_at")
    )
    standing = standing_of([value for value, _at in balances])
    if standing is None:
        CustomerBalance.objects.filter(customer_id=customer_id).delete()
        return None
    CustomerBalance.objects.update_or_create(customer_id=customer_id, defaults={
        "running": standing.running, "earlier": standing.earlier, "answers": standing.answers,
        "last_contact_at": balances[-1][1],
    })
    return standing


def _follow_up_open(survey: Survey, response: Response, *, running_negative: bool) -> Concern:
    from kundennah.service.services import ConcernIntake, concern_intake

    fulfilled_label = Fulfilled(response.fulfilled).label
    lines = [
        str(_("The customer answered the survey after “%(subject)s”.") % {"subject": survey.subject}),
        str(_("Concern fulfilled: %(answer)s · Feeling: %(feeling)s of 5 · Balance: %(balance)d")
            % {"answer": fulfilled_label, "feeling": response.feeling, "balance": response.balance}),
    ]
    if running_negative:
        lines.append(str(_("The customer's running balance is now negative.")))
    if response.comment:
        lines += ["", str(_("Comment:")), response.comment]
    concern = concern_intake(data=ConcernIntake(
        channel=Interaction.Channel.FEEDBACK,
        subject=str(_("Feedback: please get in touch (%(subject)s)") % {"subject": survey.subject})[:300],
        body="\n".join(lines), customer=survey.customer, site=survey.site,
        contact_name=survey.recipient_name, contact_email=survey.recipient_email,
        priority=Priority.HIGH if running_negative else Priority.NORMAL, language=survey.language,
        external_key=f"feedback:{response.pk}:follow-up", team=survey.team, category=survey.category,
    ))
    if survey.concern_id:
        concern.related.add(survey.concern_id)
    return concern


def _timeline(survey: Survey, response: Response) -> None:
    if survey.customer is None:
        return
    from kundennah.timeline.services import interaction_record

    interaction_record(
        customer=survey.customer, channel=Interaction.Channel.FEEDBACK, direction=Interaction.Direction.INBOUND,
        occurred_at=response.changed_at, site=survey.site,
        subject=str(_("Feedback: fulfilled %(answer)s, feeling %(feeling)d of 5") % {
            "answer": Fulfilled(response.fulfilled).label, "feeling": response.feeling}),
        summary=response.comment[:2000], source_type="survey", source_id=survey.pk,
        external_key=f"survey:{survey.pk}:{response.changes}",
    )


def survey_opt_out(*, survey: Survey) -> None:
    """The recipient wants no more surveys: recorded as their decision (consent withdrawn)."""
    from kundennah.customers.services.consents import consent_record

    with transaction.atomic():
        if survey.customer is not None:
            consent_record(actor=None, customer=survey.customer, channel=Consent.Channel.EMAIL,
                           purpose=Consent.Purpose.SURVEYS, granted=False, source=Consent.Source.EMAIL,
                           source_detail=str(_("Opt-out link in a survey")))
        if survey.recipient_email:
            OptOutAddress.objects.get_or_create(address=survey.recipient_email.strip().lower())
        Survey.objects.filter(state=Survey.State.OFFERED, recipient_email__iexact=survey.recipient_email).exclude(
            pk=survey.pk).update(state=Survey.State.SKIPPED, skip_reason=Survey.Skip.OPTED_OUT)


# --- Acting on insights ---------------------------------------------------------------------


def driver_action_create(*, actor: Any, dimension: str, value: str, label: str, title: str, owner: Any,
                         due_on: dt.date | None = None) -> Any:
    """Turn a driver into a task with an owner. Its balance now is kept, to follow the effect."""
    from kundennah.accounts.models import User
    from kundennah.feedback.drivers import balance_of_driver
    from kundennah.feedback.models import BalanceCell, DriverAction

    errors = ErrorCollector()
    if dimension not in BalanceCell.Dimension.values or dimension == BalanceCell.Dimension.ALL:
        errors.add("dimension", "invalid_choice", _("This kind of driver is unknown."))
    title = " ".join((title or "").split())
    if not title:
        errors.add("title", "required", _("Please say what is to be done."))
    elif len(title) > 300:
        errors.add("title", "too_long", _("At most %(limit)d characters.") % {"limit": 300})
    if owner is None or not isinstance(owner, User) or not owner.is_active or not owner.is_staff_member:
        errors.add("owner", "invalid_owner", _("Please choose an active member of staff as owner."))
    if due_on is not None and due_on < timezone.localdate():
        errors.add("due_on", "in_past", _("The due date cannot lie in the past."))
    errors.raise_if_any()
    since = timezone.now() - dt.timedelta(days=90)
    baseline, answers = balance_of_driver(user=actor, dimension=dimension, value=value, since=since)
    with transaction.atomic():
        action = DriverAction.objects.create(
            dimension=dimension, value=value[:80], label=(label or value)[:200], title=title, owner=owner,
            due_on=due_on, baseline_balance=baseline or 0.0, baseline_answers=answers,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        event_record(name="feedback.driver_task_created", aggregate_type="driver_action", aggregate_id=action.pk,
                     actor=actor, payload={"dimension": dimension, "value": value, "title": title,
                                           "owner_id": owner.pk})
    return action


def driver_action_done(*, actor: Any, action: Any) -> Any:
    from kundennah.feedback.models import DriverAction

    with transaction.atomic():
        updated = DriverAction.objects.filter(pk=action.pk, state=DriverAction.State.OPEN).update(
            state=DriverAction.State.DONE, done_at=timezone.now())
        if updated:
            event_record(name="feedback.driver_task_done", aggregate_type="driver_action", aggregate_id=action.pk,
                         actor=actor, payload={"title": action.title})
    action.refresh_from_db()
    return action


def sentiment_retrain(*, actor: Any = None, limit: int = 200_000) -> Any:
    """Train the sentiment model on the company's own rated comments (a rating labels its comment:
    feeling 1–2 negative, 3 neutral, 4–5 positive), with its cross-validated accuracy beside the
    majority-class baseline. Raises DomainValidationError when there are too few labels."""
    from kundennah.feedback.models import TextModel
    from kundennah.feedback.text.sentiment import SentimentModel
    from kundennah.feedback.training import cross_validated_accuracy

    rows = list(Response.objects.exclude(comment="").order_by("-id").values_list("comment", "feeling")[:limit])
    texts = [text for text, _feeling in rows]
    labels = [LABEL_OF_FEELING[feeling] for _text, feeling in rows]
    try:
        accuracy, baseline = cross_validated_accuracy(texts, labels)
        model = SentimentModel.train(texts, labels)
    except ValueError as exc:
        raise DomainValidationError.single("training", "too_few_labels", str(exc)) from None
    with transaction.atomic():
        stored = TextModel.objects.create(data=model.to_bytes(), trained_on=len(texts), accuracy=accuracy,
                                          baseline=baseline)
        event_record(name="feedback.model_trained", aggregate_type="text_model", aggregate_id=stored.pk, actor=actor,
                     payload={"trained_on": len(texts), "accuracy": accuracy, "baseline": baseline})
    return stored


LABEL_OF_FEELING = {1: "negative", 2: "negative", 3: "neutral", 4: "positive", 5: "positive"}
