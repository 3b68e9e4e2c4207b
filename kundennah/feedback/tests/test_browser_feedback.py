"""In a real browser: a customer answers the survey from the link in the mail, and the agent sees
the balance move on the customer 360; a negative answer opens a follow-up concern."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import login
from kundennah.customers.tests import factories as customers
from kundennah.feedback.mails import survey_send
from kundennah.feedback.models import Response, Survey
from kundennah.feedback.services import surveys_offer_from_events
from kundennah.feedback.tests.factories import resolved_concern
from kundennah.service.models import Concern

pytestmark = pytest.mark.django_db(transaction=True)


def _mail_link(mailoutbox, base: str) -> str:
    for line in mailoutbox[-1].body.splitlines():
        if "fulfilled=yes" in line:
            return line.split(":", 1)[1].strip().replace("http://testserver", base)
    raise AssertionError("no link in the survey mail")


def _shown_balance(badge) -> str:
    # The badge reads "Emotionale Bilanz: 100 steigend" to screen readers; the number is what we check.
    return badge.inner_text().split(":")[-1].split()[0]


def _survey_mailed(concern: Concern, base: str) -> None:
    surveys_offer_from_events()
    survey = Survey.objects.get(concern=concern)
    Survey.objects.filter(pk=survey.pk).update(send_after=timezone.now() - dt.timedelta(seconds=1))
    survey_send(survey_id=survey.pk, base_url=base)


def test_answer_from_the_mail_moves_the_balance_on_the_customer_360(page, live_server, agent, mailoutbox, settings):
    settings.FEEDBACK_SURVEY_GAP_DAYS = 0
    customer = customers.person(first_name="Greta", last_name="Sommer")
    _survey_mailed(resolved_concern(agent=agent, customer=customer), live_server.url)

    login(page, agent.username)
    page.goto(f"/customers/{customer.pk}/")
    page.wait_for_selector("#section-balance >> text=Noch keine beantwortete Umfrage")

    page.goto(_mail_link(mailoutbox, live_server.url))
    assert page.is_checked("#fulfilled-yes")  # the answer clicked in the mail is already chosen
    page.click("label[for=feeling-5]")
    page.fill("#id_comment", "Sehr freundlich und schnell geholfen, danke!")
    page.click("main button[type=submit]")
    page.wait_for_url("**/danke/")
    assert "Danke für Ihre Antwort" in page.inner_text("main")

    page.goto(f"/customers/{customer.pk}/")
    badge = page.wait_for_selector("#section-balance .balance-badge")
    assert _shown_balance(badge) == "100"

    second = resolved_concern(agent=agent, customer=customer, subject="Lieferung fehlt")
    _survey_mailed(second, live_server.url)
    page.goto(_mail_link(mailoutbox, live_server.url).replace("fulfilled=yes", "fulfilled=no"))
    page.click("label[for=feeling-1]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/danke/")
    assert "meldet sich persönlich" in page.inner_text("main")

    follow_up = Response.objects.get(survey__concern=second).follow_up
    assert follow_up is not None and follow_up.customer == customer
    page.goto(f"/customers/{customer.pk}/")
    section = page.wait_for_selector("#section-balance .balance-badge")
    assert _shown_balance(section) == "0"
    assert "Fallend" in page.inner_text("#section-balance")
    page.goto(f"/service/concerns/{follow_up.pk}/")
    assert "Rückmeldung" in page.inner_text("main")
