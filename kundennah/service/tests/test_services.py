"""The service desk's rules as a user would describe them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from kundennah.accounts.models import Team, User
from kundennah.core.errors import ConflictError, DomainValidationError, InvalidTransitionError
from kundennah.core.models import Event
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.attachments import IncomingFile
from kundennah.service.models import AgentPresence, ClosingDay, Concern, Message, RoutingRule, TeamCalendar
from kundennah.service.promise import acknowledgement_text
from kundennah.service.tests.factories import concern as make_concern
from kundennah.timeline.models import Interaction

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def now_is(monkeypatch):
    """Freeze ``timezone.now`` where the services read it (received_at may not lie in the future)."""
    def set_now(instant: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: instant)
    return set_now


def test_concern_received_on_christmas_eve_is_due_monday_evening(team, now_is):
    now_is(berlin(2026, 12, 24, 10, 5))
    concern = make_concern(received_at=berlin(2026, 12, 24, 10, 0))
    assert concern.first_response_due_at == berlin(2026, 12, 28, 18, 0)
    assert acknowledgement_text(concern) == "Sie erhalten spätestens am Montag, 28. Dezember, 18:00 Uhr eine Antwort."


def test_acknowledgement_speaks_the_customers_language(team, now_is):
    now_is(berlin(2026, 12, 24, 10, 5))
    concern = make_concern(received_at=berlin(2026, 12, 24, 10, 0), language="en")
    assert acknowledgement_text(concern) == (
        "You will receive an answer by Monday, 28 December, 6:00 pm at the latest.")


def test_friday_concern_is_due_monday_and_a_closing_day_moves_it(team, now_is):
    now_is(berlin(2026, 11, 20, 9, 0))
    assert make_concern(received_at=berlin(2026, 11, 20, 8, 30)).first_response_due_at == berlin(2026, 11, 23, 18)
    calendar = TeamCalendar.objects.create(team=team)
    ClosingDay.objects.create(calendar=calendar, date=dt.date(2026, 11, 23), name="Betriebsausflug")
    assert make_concern(received_at=berlin(2026, 11, 20, 8, 30)).first_response_due_at == berlin(2026, 11, 24, 18)


def test_regional_holiday_of_the_teams_bundesland_counts(team, now_is):
    # Reformationstag (31 Oct 2026, a Saturday) is no help; Allerheiligen 1 Nov is a Sunday.
    # Fronleichnam, Thu 4 Jun 2026, is a holiday in Bavaria but not in Berlin.
    now_is(berlin(2026, 6, 3, 12))
    assert make_concern(received_at=berlin(2026, 6, 3, 11)).first_response_due_at == berlin(2026, 6, 4, 18)
    TeamCalendar.objects.create(team=team, state="BY")
    assert make_concern(received_at=berlin(2026, 6, 3, 11)).first_response_due_at == berlin(2026, 6, 5, 18)


def test_waiting_for_the_customer_stops_the_clock(team, agent, now_is):
    now_is(berlin(2026, 11, 23, 9, 0))
    concern = make_concern(received_at=berlin(2026, 11, 23, 9, 0))
    assert concern.first_response_due_at == berlin(2026, 11, 24, 18)
    now_is(berlin(2026, 11, 23, 10, 0))
    services.concern_transition(concern=concern, status="waiting_customer", actor=agent)
    concern.refresh_from_db()
    assert concern.due_at is None and concern.first_response_due_at is None
    # The customer answers the next morning at 10: a full business day (10 h) was paused.
    now_is(berlin(2026, 11, 24, 10, 0))
    services.message_add(concern=concern, kind="inbound", body="Hier die Rechnungsnummer: 4711")
    concern.refresh_from_db()
    assert concern.status == "open"
    assert concern.first_response_due_at == berlin(2026, 11, 25, 18)
    assert concern.due_at == concern.first_response_due_at


def test_callback_is_due_within_two_business_hours(team, now_is):
    now_is(berlin(2026, 11, 27, 17, 0))  # Friday 17:00
    callback = make_concern(kind="callback", subject="", body="", contact_phone="0151 23456789",
                            contact_name="Jens Krüger")
    assert callback.is_callback
    assert callback.first_response_due_at == berlin(2026, 11, 30, 9, 0)  # one hour Friday, one Monday
    assert callback.subject == "Rückruf-Anfrage" or callback.subject == "Callback request"


def test_callback_with_a_chosen_window_is_due_at_its_end(team, now_is):
    now_is(berlin(2026, 11, 23, 9, 0))
    callback = make_concern(kind="callback", contact_phone="+49 30 1234567", subject="", body="",
                            callback_from=berlin(2026, 11, 24, 14), callback_until=berlin(2026, 11, 24, 16))
    assert callback.first_response_due_at == berlin(2026, 11, 24, 16)


def test_sender_is_recognised_by_email_in_any_case_and_with_plus_addressing(team):
    hans = customers.person(emails=["Hans.Mueller@Example.de"])
    concern = make_concern(contact_email="hans.mueller+shop@EXAMPLE.de", contact_name="Hans")
    assert concern.customer == hans


def test_caller_is_recognised_by_phone_number_in_national_format(team):
    hans = customers.person(phones=["+49 30 1234567"])
    concern = make_concern(channel="phone", contact_phone="030 1234567")
    assert concern.customer == hans


def test_unknown_sender_becomes_an_unidentified_contact_an_agent_can_link(team, agent):
    concern = make_concern(contact_email="neu@example.org", contact_name="Neue Kundin")
    assert concern.customer is None
    assert not Interaction.objects.exists()
    hans = customers.person()
    services.concern_link_customer(concern=concern, customer=hans, actor=agent)
    assert Interaction.objects.filter(customer=hans, source_type="concern", source_id=str(concern.pk)).count() == 1


def test_every_concern_and_message_lands_on_the_customers_timeline(team, agent):
    hans = customers.person()
    concern = make_concern(customer=hans)
    services.message_add(concern=concern, kind="outbound", body="Wir prüfen das.", actor=agent)
    services.message_add(concern=concern, kind="note", body="Buchhaltung gefragt", actor=agent)
    directions = list(Interaction.objects.filter(customer=hans).order_by("id").values_list("direction", flat=True))
    assert directions == ["inbound", "outbound", "internal"]


def test_first_reply_keeps_the_promise_and_records_time_to_a_human(team, agent):
    concern = make_concern()
    services.message_add(concern=concern, kind="outbound", body="Danke, wir kümmern uns.", actor=agent)
    concern.refresh_from_db()
    assert concern.first_responded_at is not None and concern.human_reached_at is not None
    assert concern.status == "open"
    assert concern.due_at == concern.resolution_due_at


def test_customer_reply_reopens_a_resolved_concern(team, agent):
    concern = make_concern()
    services.concern_transition(concern=concern, status="resolved", actor=agent)
    services.message_add(concern=concern, kind="inbound", body="Leider ist es noch nicht erledigt.")
    concern.refresh_from_db()
    assert concern.status == "open" and concern.resolved_at is None


def test_customer_reply_to_a_closed_concern_starts_a_linked_follow_up(team, agent):
    concern = make_concern()
    services.concern_transition(concern=concern, status="closed", actor=agent)
    message = services.message_add(concern=concern, kind="inbound", body="Noch eine Frage dazu.")
    concern.refresh_from_db()
    assert concern.status == "closed"
    assert message.concern != concern and concern.reference in message.concern.subject


def test_a_transition_the_status_does_not_allow_is_refused_with_the_reason(team, agent):
    concern = make_concern()
    services.concern_transition(concern=concern, status="resolved", actor=agent)
    with pytest.raises(InvalidTransitionError) as refused:
        services.concern_transition(concern=concern, status="waiting_customer", actor=agent)
    assert refused.value.message == "Ein Anliegen kann nicht von „Erledigt“ zu „Wartet auf Kunden“ wechseln."
    concern.refresh_from_db()
    assert concern.status == "resolved"


def test_stale_version_is_refused(team, agent):
    concern = make_concern()
    with pytest.raises(ConflictError):
        services.concern_transition(concern=concern, status="open", actor=agent, expected_version=99)


def test_intake_without_any_contact_data_is_refused_and_creates_nothing(team):
    with pytest.raises(DomainValidationError) as refused:
        services.concern_intake(data=services.ConcernIntake(channel="webform", body="Hallo"))
    assert [e.code for e in refused.value.errors] == ["contact_missing"]
    assert not Concern.objects.exists()


def test_intake_with_invalid_email_and_phone_names_both_fields(team):
    with pytest.raises(DomainValidationError) as refused:
        services.concern_intake(data=services.ConcernIntake(
            channel="webform", body="Hallo", contact_email="kein-at", contact_phone="12"))
    assert {e.field for e in refused.value.errors} == {"contact.email", "contact.phone"}


def test_a_retried_submission_returns_the_same_concern(team):
    first = make_concern(external_key="webhook:chat:abc-1")
    again = make_concern(external_key="webhook:chat:abc-1")
    assert again.pk == first.pk
    assert Concern.objects.count() == 1


@pytest.mark.parametrize(("filename", "content"), [
    ("rechnung.pdf", b"MZ\x90\x00 this is a windows program"),
    ("bild.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("seite.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("run.sh", b"#!/bin/sh\nrm -rf /\n"),
])
def test_dangerous_attachments_are_refused(team, filename, content):
    with pytest.raises(DomainValidationError) as refused:
        make_concern(attachments=[IncomingFile(filename, content)])
    assert refused.value.errors[0].code == "file_type_refused"
    assert not Concern.objects.exists()


def test_attachment_name_cannot_climb_out_of_its_folder(team):
    concern = make_concern(attachments=[IncomingFile("../../etc/passwd.pdf", b"%PDF-1.4 test")])
    attachment = concern.messages.get().attachments.get()
    assert attachment.filename == "passwd.pdf"
    assert attachment.content_type == "application/pdf"
    assert ".." not in attachment.file.name and "passwd" not in attachment.file.name


def test_oversized_attachment_is_refused(team, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(DomainValidationError) as refused:
        make_concern(attachments=[IncomingFile("scan.pdf", b"%PDF-" + b"0" * 2000)])
    assert refused.value.errors[0].code == "too_large"


def test_routing_rule_sends_phone_concerns_to_their_team(team, other_team):
    RoutingRule.objects.create(channel="phone", team=other_team, position=1)
    assert make_concern(channel="phone").team == other_team
    assert make_concern(channel="webform").team == team


def test_assignment_skips_away_agents_and_balances_the_load(team):
    first = User.objects.create_user("a1", role="agent")
    second = User.objects.create_user("a2", role="agent")
    away = User.objects.create_user("a3", role="agent")
    for user in (first, second, away):
        user.teams.add(team)
    AgentPresence.objects.create(user=away, status="away")
    assignees = [make_concern().assignee for _ in range(4)]
    assert away not in assignees
    assert sorted(a.username for a in assignees) == ["a1", "a1", "a2", "a2"]


def test_assigning_an_agent_of_another_team_is_refused(team, other_team_agent, agent):
    concern = make_concern()
    with pytest.raises(DomainValidationError):
        services.concern_assign(concern=concern, actor=agent, assignee=other_team_agent)


def test_merge_moves_messages_and_closes_the_duplicate(team, agent):
    hans = customers.person()
    first = make_concern(customer=hans, subject="Lieferung fehlt")
    second = make_concern(customer=hans, subject="Wo bleibt meine Lieferung?")
    services.concern_merge(source=second, target=first, actor=agent)
    second.refresh_from_db()
    assert second.status == "closed" and second.merged_into == first
    assert first.messages.filter(kind="inbound").count() == 2
    with pytest.raises(InvalidTransitionError):
        services.message_add(concern=second, kind="outbound", body="x", actor=agent)


def test_merging_concerns_of_different_customers_is_refused(team, agent):
    first = make_concern(customer=customers.person())
    second = make_concern(customer=customers.person(first_name="Eva", last_name="Schulz"))
    with pytest.raises(DomainValidationError):
        services.concern_merge(source=second, target=first, actor=agent)


def test_every_change_writes_its_event_to_the_outbox(team, agent):
    concern = make_concern()
    services.message_add(concern=concern, kind="outbound", body="Erledigt.", actor=agent, status_after="resolved")
    names = list(Event.objects.filter(aggregate_type="concern").order_by("id").values_list("name", flat=True))
    assert names == ["concern.created", "concern.replied", "concern.resolved"]


def test_callback_done_resolves_it_and_counts_as_a_human_reached(team, agent):
    callback = make_concern(kind="callback", contact_phone="+49 30 1234567", subject="", body="")
    services.callback_complete(concern=callback, actor=agent, note="Kunde erreicht, Frage geklärt.")
    callback.refresh_from_db()
    assert callback.status == "resolved" and callback.human_reached_at is not None
    assert Message.objects.filter(concern=callback, kind="outbound", channel="phone").exists()


def test_no_team_at_all_leaves_the_concern_unrouted(db):
    assert not Team.objects.exists()
    concern = make_concern()
    assert concern.team is None and concern.assignee is None
    assert concern.first_response_due_at is not None
