"""Shared feedback data: a story in the answers that the insights must find."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from kundennah.customers.tests import factories as customers
from kundennah.feedback.balance import contact_balance
from kundennah.feedback.links import survey_key_new
from kundennah.feedback.models import Response, Survey

LATE = ["Die Lieferung kam wieder zwei Wochen zu spät, die Spedition hat den Liefertermin verpasst.",
        "Lieferung verspätet, niemand hat uns über die Verzögerung informiert.",
        "Schon wieder zu spät geliefert, der Liefertermin war nicht zu halten.",
        "Die Spedition kam verspätet und die Lieferung war unvollständig."]
FRIENDLY = ["Sehr freundliche Beratung am Telefon, kompetent und schnell geholfen.",
            "Die Mitarbeiterin war freundlich und hat mir sofort kompetent geholfen.",
            "Freundlich, kompetent, schnell – so muss Service sein.",
            "Super freundlicher Kontakt, das Problem war sofort gelöst."]
_counter = itertools.count()


def answer(*, customer=None, team=None, channel="email", fulfilled="yes", feeling=4, comment="", days_ago=10):
    at = timezone.now() - dt.timedelta(days=days_ago)
    survey = Survey.objects.create(
        key=survey_key_new(), trigger=Survey.Trigger.CONCERN, customer=customer, team=team, channel=channel,
        recipient_email=f"kunde{next(_counter)}@example.de", state=Survey.State.ANSWERED, contact_at=at,
        send_after=at, expires_at=at + dt.timedelta(days=30), subject="Test")
    return Response.objects.create(
        survey=survey, fulfilled=fulfilled, feeling=feeling, comment=comment,
        balance=contact_balance(fulfilled=fulfilled, feeling=feeling), answered_at=at, changed_at=at,
        customer=customer, team=team, channel=channel, trigger=survey.trigger, contact_at=at)


@pytest.fixture
def story(team, other_team):
    """Late deliveries make customers unhappy; friendly phone contacts make them happy."""
    customer = customers.person(first_name="Lea", last_name="Lang")
    for i in range(24):
        answer(customer=customer, team=team, channel="email", fulfilled="no", feeling=1 + i % 2,
               comment=LATE[i % len(LATE)], days_ago=5 + i)
    for i in range(36):
        answer(customer=customer, team=team, channel="phone", fulfilled="yes", feeling=5 - i % 2,
               comment=FRIENDLY[i % len(FRIENDLY)], days_ago=5 + i)
    for i in range(10):
        answer(team=other_team, channel="letter", fulfilled="no", feeling=1, comment="Brief kam nie an.",
               days_ago=3 + i)
    return customer


