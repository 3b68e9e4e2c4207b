"""Asking after every contact: once, politely, by a link that only works for that contact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from kundennah.core.errors import DomainValidationError
from kundennah.core.models import Event
from kundennah.customers.models import Consent
from kundennah.customers.tests import factories as customers
from kundennah.feedback.links import survey_token
from kundennah.feedback.models import CustomerBalance, Response, Survey
from kundennah.feedback.services import survey_answer, surveys_offer_from_events
from kundennah.feedback.tests.factories import last_mail_link, link_of, resolved_concern, sent_survey
from kundennah.service.models import Concern, Message
from kundennah.service.services import concern_transition, message_add
from kundennah.timeline.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(db):
    return customers.person(first_name="Erika", last_name="Mustermann")


def test_resolved_concern_gets_one_survey_even_when_the_outbox_is_read_twice(agent, customer):
    concern = resolved_concern(agent=agent, customer=customer)
    assert surveys_offer_from_events() == 1
    assert surveys_offer_from_events() == 0
    survey = Survey.objects.get(concern=concern)
    assert survey.state == Survey.State.OFFERED
    assert survey.trigger == Survey.Trigger.CONCERN
    assert survey.recipient_email == "erika.mustermann@example.de"
    assert survey.send_after > timezone.now()  # not while the concern may still be reopened


def test_survey_mail_asks_both_questions_with_one_click_answers_and_a_way_out(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    assert survey.state == Survey.State.SENT
    message = mail.outbox[-1]
    assert message.to == ["erika.mustermann@example.de"]
    assert "Wurde Ihr Anliegen erfüllt?" in message.body
    assert "fulfilled=no" in message.body
    assert "/abmelden/" in message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_survey_is_sent_once_when_two_workers_send_it(agent, customer):
    from kundennah.feedback.mails import survey_send

    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    assert survey_send(survey_id=survey.pk) is False
    assert len(mail.outbox) == 1


def test_concern_reopened_before_the_survey_goes_out_is_not_asked_about(agent, customer):
    from kundennah.feedback.mails import survey_send

    concern = resolved_concern(agent=agent, customer=customer)
    surveys_offer_from_events()
    message_add(concern=concern, kind=Message.Kind.INBOUND, body="Doch nicht erledigt!")
    survey = Survey.objects.get(concern=concern)
    Survey.objects.filter(pk=survey.pk).update(send_after=timezone.now())
    assert survey_send(survey_id=survey.pk) is False
    survey.refresh_from_db()
    assert (survey.state, survey.skip_reason) == (Survey.State.SKIPPED, Survey.Skip.REOPENED)
    assert mail.outbox == []


def test_second_contact_within_the_period_is_not_asked_about(agent, customer):
    sent_survey(resolved_concern(agent=agent, customer=customer))
    second = resolved_concern(agent=agent, customer=customer, subject="Noch eine Frage")
    surveys_offer_from_events()
    survey = Survey.objects.get(concern=second)
    assert (survey.state, survey.skip_reason) == (Survey.State.SKIPPED, Survey.Skip.RECENT)


def test_customer_who_opted_out_is_not_asked_and_the_opt_out_is_recorded_as_consent(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    client = Client()
    assert client.get(f"{link_of(survey)}abmelden/").status_code == 200
    # Opening the page (or a mail scanner following the link) changes nothing.
    assert not Consent.objects.filter(customer=customer, purpose=Consent.Purpose.SURVEYS).exists()
    client.post(f"{link_of(survey)}abmelden/")
    consent = Consent.objects.get(customer=customer, purpose=Consent.Purpose.SURVEYS)
    assert consent.granted is False
    Survey.objects.all().update(created_at=timezone.now() - dt.timedelta(days=60))
    later = resolved_concern(agent=agent, customer=customer, subject="Später")
    surveys_offer_from_events()
    assert Survey.objects.get(concern=later).skip_reason == Survey.Skip.OPTED_OUT


def test_contact_without_an_address_is_not_asked(agent):
    concern = resolved_concern(agent=agent, contact_name="Anonym", contact_phone="030 1234567")
    surveys_offer_from_events()
    assert Survey.objects.get(concern=concern).skip_reason == Survey.Skip.NO_ADDRESS


def test_answer_from_the_mail_link_stores_balance_and_moves_the_customer_balance(agent, customer):
    sent_survey(resolved_concern(agent=agent, customer=customer))
    link = last_mail_link()
    client = Client()
    page = client.get(link + "?fulfilled=yes")
    assert page.status_code == 200
    assert "Wie haben Sie sich dabei gefühlt?" in page.content.decode()
    reply = client.post(link, {"fulfilled": "yes", "feeling": "5", "comment": "Sehr freundlich und schnell, danke!"})
    assert reply.status_code == 302 and reply["Location"].endswith("/danke/")
    answer = Response.objects.get()
    assert answer.balance == 100
    assert answer.sentiment == "positive"
    assert answer.follow_up is None
    assert CustomerBalance.objects.get(customer=customer).running == 100
    assert Interaction.objects.filter(customer=customer, channel=Interaction.Channel.FEEDBACK).exists()
    assert Event.objects.filter(name="feedback.answered").count() == 1


def test_missing_answers_get_field_errors_in_german_and_nothing_is_stored(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    page = Client().post(link_of(survey), {"comment": "x" * 2500})
    text = page.content.decode()
    assert page.status_code == 400
    assert "Bitte sagen Sie uns, ob Ihr Anliegen erfüllt wurde." in text
    assert "höchstens 2000 Zeichen" in text
    assert not Response.objects.exists()


def test_comment_of_100000_characters_is_refused_clearly(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    with pytest.raises(DomainValidationError) as refused:
        survey_answer(survey=survey, fulfilled="yes", feeling=4, comment="a" * 100_000)
    assert refused.value.errors[0].field == "comment"
    assert not Response.objects.exists()


def test_comment_with_script_is_shown_as_text_never_as_html(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    survey_answer(survey=survey, fulfilled="partly", feeling=3, comment="<script>alert(1)</script> <b>laut</b>")
    page = Client().get(link_of(survey))
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


def test_answering_twice_changes_the_answer_and_counts_it_once(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    survey_answer(survey=survey, fulfilled="yes", feeling=4)
    survey_answer(survey=survey, fulfilled="yes", feeling=4)  # a double click
    assert Response.objects.get().changes == 0
    survey_answer(survey=survey, fulfilled="partly", feeling=2, comment="Beim zweiten Nachdenken: zäh.")
    answer = Response.objects.get()
    assert (answer.fulfilled, answer.feeling, answer.changes, answer.balance) == ("partly", 2, 1, -25)
    assert CustomerBalance.objects.get(customer=customer).answers == 1


def test_answer_cannot_be_changed_after_the_change_period(agent, customer, settings):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    survey_answer(survey=survey, fulfilled="yes", feeling=4)
    later = timezone.now() + dt.timedelta(days=settings.FEEDBACK_CHANGE_DAYS + 1)
    with pytest.raises(DomainValidationError):
        survey_answer(survey=survey, fulfilled="no", feeling=1, now=later)
    assert Response.objects.get().fulfilled == "yes"


def test_expired_link_is_gone_and_stores_nothing(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    Survey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    client = Client()
    assert client.get(link_of(survey)).status_code == 410
    assert client.post(link_of(survey), {"fulfilled": "yes", "feeling": "5"}).status_code == 410
    assert not Response.objects.exists()


def test_altered_or_made_up_link_is_not_found(agent, customer):
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    token = survey_token(survey.key)
    client = Client()
    assert client.get(f"/u/{token[:-1]}x/").status_code == 404
    assert client.get(f"/u/{survey.key}/").status_code == 404
    assert client.get("/u/" + "A" * 40 + ":" + "b" * 27 + "/").status_code == 404


def test_link_of_one_contact_cannot_answer_for_another(agent, customer):
    first = sent_survey(resolved_concern(agent=agent, customer=customer))
    other_customer = customers.person(first_name="Max", last_name="Meier")
    second = sent_survey(resolved_concern(agent=agent, customer=other_customer, subject="Andere Sache"))
    Client().post(link_of(first), {"fulfilled": "no", "feeling": "1"})
    assert Response.objects.get().survey_id == first.pk
    assert not Response.objects.filter(survey=second).exists()


def test_flood_of_answers_from_one_address_is_refused(agent, customer, settings):
    settings.FEEDBACK_ANSWERS_PER_ADDRESS_HOUR = 2
    from django.core.cache import cache

    cache.clear()
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    client = Client(REMOTE_ADDR="203.0.113.9")
    for feeling in ("5", "4"):
        client.post(link_of(survey), {"fulfilled": "yes", "feeling": feeling})
    refused = client.post(link_of(survey), {"fulfilled": "no", "feeling": "1"})
    assert refused.status_code == 429
    assert Response.objects.get().feeling == 4


def test_negative_answer_opens_a_follow_up_concern_for_a_human_once(agent, customer):
    concern = resolved_concern(agent=agent, customer=customer)
    survey = sent_survey(concern)
    survey_answer(survey=survey, fulfilled="no", feeling=2, comment="Niemand hat mir wirklich geholfen.")
    survey_answer(survey=survey, fulfilled="no", feeling=1, comment="Niemand hat mir wirklich geholfen!")
    answer = Response.objects.get()
    follow_up = answer.follow_up
    assert follow_up is not None
    assert follow_up.customer == customer
    assert follow_up.channel == Interaction.Channel.FEEDBACK
    assert concern in follow_up.related.all()
    assert "Niemand hat mir wirklich geholfen." in follow_up.messages.get().body
    assert Concern.objects.filter(channel=Interaction.Channel.FEEDBACK).count() == 1


def test_two_bad_contacts_in_a_row_turn_a_good_balance_negative_and_raise_priority(agent, customer, settings):
    settings.FEEDBACK_SURVEY_GAP_DAYS = 0
    for feeling, fulfilled in ((5, "yes"), (1, "no"), (2, "no")):
        concern = resolved_concern(agent=agent, customer=customer, subject=f"Kontakt {feeling}")
        survey_answer(survey=sent_survey(concern), fulfilled=fulfilled, feeling=feeling)
    balance = CustomerBalance.objects.get(customer=customer)
    assert balance.running < 0
    last = Response.objects.order_by("-id").first()
    assert last.follow_up.priority == "high"


def test_done_callback_and_shipped_order_are_asked_about_too(agent, customer):
    from kundennah.service.services import callback_complete
    from kundennah.service.tests.factories import concern as make_concern

    callback = make_concern(customer=customer, kind=Concern.Kind.CALLBACK, channel="phone",
                            contact_email="erika.mustermann@example.de")
    callback_complete(concern=callback, actor=agent, note="Zurückgerufen, alles geklärt.")
    surveys_offer_from_events()
    assert Survey.objects.get(concern=callback).trigger == Survey.Trigger.CALLBACK


def test_closing_a_resolved_concern_does_not_ask_again(agent, customer):
    concern = resolved_concern(agent=agent, customer=customer)
    surveys_offer_from_events()
    concern_transition(concern=concern, status=Concern.Status.CLOSED, actor=agent)
    surveys_offer_from_events()
    assert Survey.objects.filter(concern=concern).count() == 1


def test_balance_on_the_360_for_staff_only(agent, customer, customer_contact):
    from conftest import client_for

    survey_answer(survey=sent_survey(resolved_concern(agent=agent, customer=customer)), fulfilled="yes", feeling=4,
                  comment="Alles gut gelaufen.")
    url = f"/feedback/customers/{customer.pk}/"
    assert Client().get(url).status_code == 302
    assert client_for(customer_contact).get(url).status_code == 403
    assert client_for(agent).get("/feedback/customers/999999/").status_code == 404
    page = client_for(agent).get(url).content.decode()
    assert "Alles gut gelaufen." in page and "75" in page


def test_other_teams_answers_are_not_shown_on_the_360(agent, other_team_agent, customer):
    from conftest import client_for

    survey_answer(survey=sent_survey(resolved_concern(agent=agent, customer=customer)), fulfilled="no", feeling=1,
                  comment="Vertrauliche Beschwerde über Team Nord.")
    page = client_for(other_team_agent).get(f"/feedback/customers/{customer.pk}/").content.decode()
    assert "Vertrauliche Beschwerde" not in page


def test_concern_page_shows_the_answer_and_the_inbox_the_balance(agent, customer):
    from conftest import client_for

    concern = resolved_concern(agent=agent, customer=customer)
    survey_answer(survey=sent_survey(concern), fulfilled="partly", feeling=3, comment="Ging so.")
    client = client_for(agent)
    page = client.get(f"/service/concerns/{concern.pk}/").content.decode()
    assert "Rückmeldung zu diesem Kontakt" in page and "Ging so." in page
    from kundennah.service.tests.factories import concern as make_concern

    make_concern(customer=customer, subject="Neue Frage")  # open, so it is in the inbox
    inbox = client.get("/service/").content.decode()
    assert "Neue Frage" in inbox and "balance-badge" in inbox


def test_portal_shows_the_contacts_open_survey(agent, customer, customer_contact):
    from conftest import client_for

    customer_contact.email = "erika.mustermann@example.de"
    customer_contact.save(update_fields=["email"])
    survey = sent_survey(resolved_concern(agent=agent, customer=customer))
    page = client_for(customer_contact).get("/portal/").content.decode()
    assert survey_token(survey.key) in page
    survey_answer(survey=survey, fulfilled="yes", feeling=5)
    assert survey_token(survey.key) not in client_for(customer_contact).get("/portal/").content.decode()
