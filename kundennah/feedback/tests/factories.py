"""Surveys the way they arise: a concern is resolved, the outbox is read, the survey is sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import mail
from django.utils import timezone

from kundennah.feedback.links import survey_token
from kundennah.feedback.mails import survey_send
from kundennah.feedback.models import Survey
from kundennah.feedback.services import surveys_offer_from_events
from kundennah.service.models import Concern, Message
from kundennah.service.services import message_add
from kundennah.service.tests.factories import concern as make_concern


def resolved_concern(*, agent: Any, customer: Any = None, **fields: Any) -> Concern:
    concern = make_concern(customer=customer, **fields)
    message_add(concern=concern, kind=Message.Kind.OUTBOUND, body="Wir haben das erledigt. Viele Grüße",
                actor=agent, status_after=Concern.Status.RESOLVED)
    concern.refresh_from_db()
    return concern


def sent_survey(concern: Concern) -> Survey:
    """Offer from the outbox and send right away (the wait before asking is skipped)."""
    surveys_offer_from_events()
    survey = Survey.objects.get(concern=concern)
    Survey.objects.filter(pk=survey.pk).update(send_after=timezone.now() - dt.timedelta(seconds=1))
    survey_send(survey_id=survey.pk, base_url="http://testserver")
    survey.refresh_from_db()
    return survey


def link_of(survey: Survey) -> str:
    return f"/u/{survey_token(survey.key)}/"


def last_mail_link() -> str:
    body = mail.outbox[-1].body
    for line in body.splitlines():
        if "/u/" in line and "fulfilled=yes" in line:
            return line.split("http://testserver", 1)[1].split("?", 1)[0]
    raise AssertionError("no survey link in the mail")
