"""The business calendar and the response promise, as a customer and a team lead see them."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kundennah.service.calendar import (
    BusinessCalendar,
    Pause,
    business_add,
    business_between,
    due_format,
    due_with_pauses,
    first_response_due,
    next_business_day,
    promise_text,
    public_holidays,
)

BERLIN = ZoneInfo("Europe/Berlin")
OFFICE = BusinessCalendar.default()
HOURS = timedelta(hours=1)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


# --- The first-response promise: weekends -----------------------------------------------------


def test_concern_received_on_a_weekday_morning_is_due_the_next_evening():
    assert first_response_due(OFFICE, berlin(2026, 11, 10, 9)) == berlin(2026, 11, 11, 18)


def test_concern_received_on_friday_afternoon_is_due_monday_evening():
    assert first_response_due(OFFICE, berlin(2026, 11, 6, 17)) == berlin(2026, 11, 9, 18)


def test_concern_received_on_saturday_is_due_monday_evening():
    assert first_response_due(OFFICE, berlin(2026, 11, 7, 11)) == berlin(2026, 11, 9, 18)


def test_concern_received_late_on_sunday_is_due_monday_evening():
    assert first_response_due(OFFICE, berlin(2026, 11, 8, 23, 59)) == berlin(2026, 11, 9, 18)


def test_concern_received_after_closing_time_is_due_at_the_end_of_the_next_day():
    assert first_response_due(OFFICE, berlin(2026, 11, 12, 19)) == berlin(2026, 11, 13, 18)


def test_concern_received_just_after_midnight_counts_for_that_day_in_berlin_not_in_utc():
    # 23:30 UTC on Tuesday is already Wednesday in Berlin.
    received = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
    assert first_response_due(OFFICE, received) == berlin(2026, 11, 12, 18)


def test_due_time_is_given_in_the_calendars_time_zone():
    due = first_response_due(OFFICE, datetime(2026, 11, 10, 9, tzinfo=UTC))
    assert due.tzinfo == BERLIN
    assert (due.hour, due.minute) == (18, 0)


# --- Nationwide holidays ----------------------------------------------------------------------


@pytest.mark.parametrize("closing_days", [frozenset(), frozenset({date(2026, 12, 24)})])
def test_concern_received_on_christmas_eve_is_due_monday_evening(closing_days):
    calendar = BusinessCalendar.default(closing_days=closing_days)
    assert first_response_due(calendar, berlin(2026, 12, 24, 10)) == berlin(2026, 12, 28, 18)


def test_concern_received_on_christmas_day_is_due_monday_evening():
    assert first_response_due(OFFICE, berlin(2026, 12, 25, 10)) == berlin(2026, 12, 28, 18)


def test_concern_received_the_wednesday_before_easter_is_due_on_maundy_thursday():
    assert first_response_due(OFFICE, berlin(2026, 4, 1, 10)) == berlin(2026, 4, 2, 18)


def test_concern_received_on_maundy_thursday_is_due_on_the_tuesday_after_easter():
    assert first_response_due(OFFICE, berlin(2026, 4, 2, 10)) == berlin(2026, 4, 7, 18)


def test_concern_received_the_day_before_ascension_is_due_on_friday():
    assert first_response_due(OFFICE, berlin(2026, 5, 13, 10)) == berlin(2026, 5, 15, 18)


def test_concern_received_the_day_before_german_unity_day_on_a_friday_is_due_monday():
    assert first_response_due(OFFICE, berlin(2025, 10, 2, 10)) == berlin(2025, 10, 6, 18)


def test_concern_received_on_new_years_eve_is_due_on_the_first_working_day_of_january():
    assert first_response_due(OFFICE, berlin(2026, 12, 31, 10)) == berlin(2027, 1, 4, 18)


# --- Bundesland holidays ----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["BY", "NW"])
def test_corpus_christi_is_a_holiday_for_teams_in_bavaria_and_north_rhine_westphalia(state):
    calendar = BusinessCalendar.default(state=state)
    assert first_response_due(calendar, berlin(2026, 6, 3, 10)) == berlin(2026, 6, 5, 18)


def test_corpus_christi_is_a_working_day_in_berlin():
    calendar = BusinessCalendar.default(state="BE")
    assert first_response_due(calendar, berlin(2026, 6, 3, 10)) == berlin(2026, 6, 4, 18)


def test_corpus_christi_is_a_working_day_without_a_bundesland():
    assert first_response_due(OFFICE, berlin(2026, 6, 3, 10)) == berlin(2026, 6, 4, 18)


def test_reformation_day_is_a_holiday_in_saxony_but_not_in_berlin():
    received = berlin(2025, 10, 30, 10)
    assert first_response_due(BusinessCalendar.default(state="SN"), received) == berlin(2025, 11, 3, 18)
    assert first_response_due(BusinessCalendar.default(state="BE"), received) == berlin(2025, 10, 31, 18)


def test_womens_day_is_a_holiday_in_berlin_only():
    received = berlin(2027, 3, 5, 10)
    assert first_response_due(BusinessCalendar.default(state="BE"), received) == berlin(2027, 3, 9, 18)
    assert first_response_due(BusinessCalendar.default(state="HH"), received) == berlin(2027, 3, 8, 18)


def test_holidays_of_one_state_are_not_holidays_of_another():
    assert date(2026, 6, 4) in public_holidays(2026, "BY")
    assert date(2026, 6, 4) not in public_holidays(2026, "BE")
    assert date(2026, 6, 4) not in public_holidays(2026)


def test_holiday_lookups_are_cached_per_year_and_state():
    public_holidays.cache_clear()
    calendar = BusinessCalendar.default(state="BY")
    start = berlin(2026, 1, 1, 9)
    for hour in range(2000):
        first_response_due(calendar, start + hour * HOURS)
    info = public_holidays.cache_info()
    # 2000 hours reach into March 2026: one table for 2026, a few thousand hits.
    assert info.misses == 1
    assert info.hits > 2000


# --- Company closing days ---------------------------------------------------------------------


def test_closing_day_between_christmas_and_new_year_pushes_the_promise_into_january():
    calendar = BusinessCalendar.default(closing_days={date(2026, 12, 24), date(2026, 12, 31)})
    assert first_response_due(calendar, berlin(2026, 12, 30, 10)) == berlin(2027, 1, 4, 18)
    assert first_response_due(OFFICE, berlin(2026, 12, 30, 10)) == berlin(2026, 12, 31, 18)


def test_concern_received_the_day_before_a_closing_day_waits_for_the_next_open_day():
    calendar = BusinessCalendar.default(closing_days={date(2026, 12, 24)})
    assert first_response_due(calendar, berlin(2026, 12, 23, 10)) == berlin(2026, 12, 28, 18)
    assert first_response_due(OFFICE, berlin(2026, 12, 23, 10)) == berlin(2026, 12, 24, 18)


def test_next_business_day_skips_weekend_holidays_and_closing_days():
    calendar = BusinessCalendar.default(closing_days={date(2026, 12, 28)})
    assert next_business_day(calendar, date(2026, 12, 24)) == date(2026, 12, 29)


# --- Working hours per weekday ----------------------------------------------------------------


SHORT_FRIDAY = BusinessCalendar(
    hours={
        0: (time(8), time(17)),
        1: (time(8), time(17)),
        2: (time(8), time(17)),
        3: (time(8), time(17)),
        4: (time(8), time(14)),
        5: (time(9), time(13)),
    }
)


def test_team_with_a_short_friday_promises_friday_at_two():
    assert first_response_due(SHORT_FRIDAY, berlin(2026, 11, 12, 10)) == berlin(2026, 11, 13, 14)


def test_team_that_works_on_saturday_promises_saturday_lunchtime():
    assert first_response_due(SHORT_FRIDAY, berlin(2026, 11, 13, 10)) == berlin(2026, 11, 14, 13)


def test_team_without_friday_hours_is_closed_on_friday():
    calendar = BusinessCalendar(hours={0: (time(8), time(18)), 3: (time(8), time(18))})
    assert first_response_due(calendar, berlin(2026, 11, 12, 10)) == berlin(2026, 11, 16, 18)


def test_changing_the_hours_after_building_a_calendar_does_not_change_it():
    hours = {0: (time(8), time(18))}
    calendar = BusinessCalendar(hours=hours)
    hours[1] = (time(8), time(18))
    assert 1 not in calendar.hours
    with pytest.raises(dataclasses.FrozenInstanceError):
        calendar.state = "BY"


def test_equal_calendars_are_equal_and_can_be_used_as_keys():
    again = BusinessCalendar(hours={d: (time(8), time(18)) for d in range(5)})
    assert again == OFFICE
    assert {OFFICE: "office"}[again] == "office"
    assert again != SHORT_FRIDAY


def test_a_calendar_survives_a_trip_through_a_cache():
    calendar = BusinessCalendar.default(state="BY", closing_days={date(2026, 12, 24)})
    assert pickle.loads(pickle.dumps(calendar)) == calendar  # noqa: S301
    assert dataclasses.replace(calendar, state="NW").hours == calendar.hours


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timezone": "Europe/Nowhere"}, "time zone"),
        ({"state": "XX"}, "Bundesland"),
        ({"hours": {7: (time(8), time(18))}}, "weekday"),
        ({"hours": {0: (time(18), time(8))}}, "not after"),
        ({"hours": {0: (time(8, tzinfo=UTC), time(18, tzinfo=UTC))}}, "wall-clock"),
        ({"hours": {}}, "at least one weekday"),
    ],
)
def test_a_misconfigured_calendar_is_refused(arguments, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**arguments)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        first_response_due(OFFICE, datetime(2026, 11, 10, 9))


def test_a_calendar_closed_for_ever_is_reported_instead_of_searched_for_ever():
    everything = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(4000))
    calendar = BusinessCalendar.default(closing_days=everything)
    with pytest.raises(ValueError, match="no business day"):
        first_response_due(calendar, berlin(2026, 1, 1, 9))
    with pytest.raises(ValueError, match="no business day"):
        business_add(calendar, berlin(2026, 1, 1, 9), 2 * HOURS)


# --- Adding business time (callbacks, resolution targets) ------------------------------------


def test_callback_within_two_business_hours_in_the_morning_is_due_before_lunch():
    assert business_add(OFFICE, berlin(2026, 11, 9, 10), 2 * HOURS) == berlin(2026, 11, 9, 12)


def test_callback_requested_late_in_the_day_continues_the_next_morning():
    assert business_add(OFFICE, berlin(2026, 11, 9, 17), 2 * HOURS) == berlin(2026, 11, 10, 9)


def test_callback_requested_on_friday_evening_continues_on_monday():
    assert business_add(OFFICE, berlin(2026, 11, 6, 17, 30), 2 * HOURS) == berlin(2026, 11, 9, 9, 30)


def test_callback_requested_at_night_starts_counting_at_opening():
    assert business_add(OFFICE, berlin(2026, 11, 9, 6), 2 * HOURS) == berlin(2026, 11, 9, 10)


def test_callback_requested_at_the_weekend_starts_counting_on_monday_morning():
    assert business_add(OFFICE, berlin(2026, 11, 7, 12), 2 * HOURS) == berlin(2026, 11, 9, 10)


def test_business_time_skips_the_easter_holidays():
    assert business_add(OFFICE, berlin(2026, 4, 2, 17), 2 * HOURS) == berlin(2026, 4, 7, 9)


def test_business_time_skips_closing_days():
    calendar = BusinessCalendar.default(closing_days={date(2026, 11, 10)})
    assert business_add(calendar, berlin(2026, 11, 9, 17), 2 * HOURS) == berlin(2026, 11, 11, 9)


def test_work_that_ends_exactly_at_closing_time_is_due_at_closing_time():
    assert business_add(OFFICE, berlin(2026, 11, 9, 16), 2 * HOURS) == berlin(2026, 11, 9, 18)


def test_resolution_target_of_three_business_days_ends_on_the_third_evening():
    assert business_add(OFFICE, berlin(2026, 11, 9, 8), 30 * HOURS) == berlin(2026, 11, 11, 18)


def test_no_business_time_from_a_closed_moment_is_the_next_opening():
    assert business_add(OFFICE, berlin(2026, 11, 9, 18), timedelta(0)) == berlin(2026, 11, 10, 8)
    assert business_add(OFFICE, berlin(2026, 11, 9, 12), timedelta(0)) == berlin(2026, 11, 9, 12)


def test_negative_business_time_is_refused():
    with pytest.raises(ValueError, match="negative"):
        business_add(OFFICE, berlin(2026, 11, 9, 12), -HOURS)


# --- Business time elapsed --------------------------------------------------------------------


def test_business_time_between_two_moments_of_one_morning():
    assert business_between(OFFICE, berlin(2026, 11, 9, 10), berlin(2026, 11, 9, 12)) == 2 * HOURS


def test_business_time_over_a_weekend_counts_only_friday_evening_and_monday_morning():
    assert business_between(OFFICE, berlin(2026, 11, 6, 17), berlin(2026, 11, 9, 9)) == 2 * HOURS


def test_business_time_over_christmas_counts_only_working_days():
    # Wed 23 and Thu 24 Dec, then Mon 28 Dec until noon.
    assert business_between(OFFICE, berlin(2026, 12, 23, 8), berlin(2026, 12, 28, 12)) == 24 * HOURS


def test_no_business_time_passes_at_night_or_backwards():
    assert business_between(OFFICE, berlin(2026, 11, 9, 19), berlin(2026, 11, 10, 7)) == timedelta(0)
    assert business_between(OFFICE, berlin(2026, 11, 9, 12), berlin(2026, 11, 9, 10)) == timedelta(0)


def test_three_quarters_of_a_promise_are_used_at_one_on_the_second_day():
    received = berlin(2026, 11, 9, 8)
    due = first_response_due(OFFICE, received)
    budget = business_between(OFFICE, received, due)
    assert budget == 20 * HOURS
    assert business_between(OFFICE, received, berlin(2026, 11, 10, 13)) / budget == 0.75


# --- Waiting for the customer stops the clock -------------------------------------------------


RECEIVED = berlin(2026, 11, 9, 10)  # Monday
DUE = berlin(2026, 11, 10, 18)  # Tuesday evening


def test_without_pauses_the_promise_stays_as_it_was():
    assert due_with_pauses(OFFICE, RECEIVED, DUE, []) == DUE


def test_waiting_three_hours_for_the_customer_moves_the_promise_by_three_business_hours():
    pauses = [Pause(berlin(2026, 11, 9, 12), berlin(2026, 11, 9, 15))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 11)


def test_nights_spent_waiting_for_the_customer_cost_nothing():
    pauses = [(berlin(2026, 11, 9, 17), berlin(2026, 11, 10, 9))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 10)


def test_waiting_across_the_old_due_time_continues_with_what_was_left():
    # Two business hours were left when we asked on Tuesday at 16:00; the customer answers
    # on Wednesday at 12:00, so we have until 14:00.
    pauses = [Pause(berlin(2026, 11, 10, 16), berlin(2026, 11, 11, 12))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 14)


def test_while_the_customer_has_not_answered_there_is_no_due_time():
    assert due_with_pauses(OFFICE, RECEIVED, DUE, [Pause(berlin(2026, 11, 9, 12))]) is None


def test_a_pause_after_the_promise_was_due_does_not_mend_it():
    pauses = [Pause(berlin(2026, 11, 11, 9), berlin(2026, 11, 11, 15)), Pause(berlin(2026, 11, 12, 9))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == DUE


def test_a_later_pause_counts_when_an_earlier_one_moved_the_promise_past_it():
    pauses = [
        Pause(berlin(2026, 11, 9, 12), berlin(2026, 11, 9, 15)),  # due moves to Wed 11:00
        Pause(berlin(2026, 11, 11, 9), berlin(2026, 11, 11, 10)),  # begins before Wed 11:00
    ]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 12)


def test_overlapping_pauses_count_once():
    pauses = [
        Pause(berlin(2026, 11, 9, 12), berlin(2026, 11, 9, 14)),
        Pause(berlin(2026, 11, 9, 13), berlin(2026, 11, 9, 15)),
        Pause(berlin(2026, 11, 9, 13, 30), berlin(2026, 11, 9, 14)),
    ]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 11)


def test_an_open_pause_overlapping_a_closed_one_keeps_the_clock_stopped():
    pauses = [Pause(berlin(2026, 11, 9, 13)), Pause(berlin(2026, 11, 9, 12), berlin(2026, 11, 9, 15))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) is None


def test_waiting_before_the_concern_arrived_does_not_count():
    pauses = [Pause(berlin(2026, 11, 9, 8), berlin(2026, 11, 9, 11))]
    assert due_with_pauses(OFFICE, RECEIVED, DUE, pauses) == berlin(2026, 11, 11, 9)


def test_a_pause_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        due_with_pauses(OFFICE, RECEIVED, DUE, [Pause(berlin(2026, 11, 9, 15), berlin(2026, 11, 9, 12))])


# --- Summer time ------------------------------------------------------------------------------


def test_promise_over_the_spring_change_is_due_at_six_in_summer_time():
    due = first_response_due(OFFICE, berlin(2026, 3, 27, 10))
    assert due == berlin(2026, 3, 30, 18)
    assert due.utcoffset() == 2 * HOURS
    assert due.astimezone(UTC) == datetime(2026, 3, 30, 16, tzinfo=UTC)


def test_promise_over_the_autumn_change_is_due_at_six_in_winter_time():
    due = first_response_due(OFFICE, berlin(2026, 10, 23, 10))
    assert due.utcoffset() == HOURS
    assert due.astimezone(UTC) == datetime(2026, 10, 26, 17, tzinfo=UTC)


def test_weekend_with_the_clock_change_still_counts_two_business_hours():
    assert business_between(OFFICE, berlin(2026, 3, 27, 17), berlin(2026, 3, 30, 9)) == 2 * HOURS
    assert business_between(OFFICE, berlin(2026, 10, 23, 17), berlin(2026, 10, 26, 9)) == 2 * HOURS


NIGHT_SHIFT = BusinessCalendar(hours={6: (time(0), time(6))})


def test_night_shift_on_the_spring_change_is_one_hour_shorter():
    start, end = berlin(2026, 3, 29, 0), berlin(2026, 3, 29, 6)
    assert business_between(NIGHT_SHIFT, start, end) == 5 * HOURS
    assert business_add(NIGHT_SHIFT, start, 5 * HOURS) == end


def test_night_shift_on_the_autumn_change_is_one_hour_longer():
    start, end = berlin(2026, 10, 25, 0), berlin(2026, 10, 25, 6)
    assert business_between(NIGHT_SHIFT, start, end) == 7 * HOURS
    assert business_add(NIGHT_SHIFT, start, 7 * HOURS) == end
    # 02:30 happens twice that night; three and a half business hours in, it is the second one.
    second_half_past_two = business_add(NIGHT_SHIFT, start, 3.5 * HOURS)
    assert second_half_past_two.astimezone(UTC) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert (second_half_past_two.hour, second_half_past_two.minute, second_half_past_two.fold) == (2, 30, 1)


# --- What the customer reads ------------------------------------------------------------------


def test_due_time_in_german_names_weekday_day_month_and_hour():
    assert due_format(berlin(2026, 12, 28, 18), OFFICE, "de") == "Montag, 28. Dezember, 18:00 Uhr"


def test_due_time_in_english_uses_the_twelve_hour_clock():
    assert due_format(berlin(2026, 12, 28, 18), OFFICE, "en") == "Monday, 28 December, 6:00 pm"


def test_due_time_is_shown_on_the_calendars_clock_not_the_servers():
    due = datetime(2026, 12, 28, 17, tzinfo=UTC)
    assert due_format(due, OFFICE, "de") == "Montag, 28. Dezember, 18:00 Uhr"
    lisbon = BusinessCalendar(timezone="Europe/Lisbon")
    assert due_format(due, lisbon, "en") == "Monday, 28 December, 5:00 pm"


def test_customer_reads_the_promise_in_english():
    text = promise_text(berlin(2026, 12, 28, 18), OFFICE, "en")
    assert text == "You will receive an answer by Monday, 28 December, 6:00 pm at the latest."


def test_customer_reads_the_promise_with_a_german_date():
    assert "Montag, 28. Dezember, 18:00 Uhr" in promise_text(berlin(2026, 12, 28, 18), OFFICE, "de")


def test_customer_with_an_unsupported_language_reads_german_throughout():
    assert due_format(berlin(2026, 12, 28, 18), OFFICE, "fr") == "Montag, 28. Dezember, 18:00 Uhr"
    assert promise_text(berlin(2026, 12, 28, 18), OFFICE, "fr") == promise_text(berlin(2026, 12, 28, 18), OFFICE, "de")


def test_regional_english_gets_the_english_promise():
    assert promise_text(berlin(2026, 12, 28, 18), OFFICE, "en-us").startswith("You will receive")


# --- Properties -------------------------------------------------------------------------------


CALENDARS = st.sampled_from(
    [
        OFFICE,
        BusinessCalendar.default(state="BY", closing_days={date(2026, 12, 24), date(2026, 12, 31)}),
        BusinessCalendar.default(state="BE"),
        SHORT_FRIDAY,
        NIGHT_SHIFT,
    ]
)
INSTANTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))
DURATIONS = st.integers(min_value=0, max_value=200 * 60).map(lambda minutes: timedelta(minutes=minutes))


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, received=INSTANTS)
def test_a_promise_is_always_the_closing_time_of_the_next_business_day(calendar, received):
    due = first_response_due(calendar, received)
    received_day, due_day = calendar.local_date(received), calendar.local_date(due)
    assert due > received
    assert due_day > received_day
    assert calendar.is_business_day(due_day)
    assert due.astimezone(calendar.zone).timetz().replace(tzinfo=None) == calendar.hours[due_day.weekday()][1]
    skipped = (received_day + timedelta(days=n) for n in range(1, (due_day - received_day).days))
    assert not any(calendar.is_business_day(day) for day in skipped)


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, start=INSTANTS, duration=DURATIONS)
def test_business_time_added_is_business_time_elapsed(calendar, start, duration):
    end = business_add(calendar, start, duration)
    assert end >= start
    assert business_between(calendar, start, end) == duration


@settings(max_examples=300, deadline=None)
@given(calendar=CALENDARS, instants=st.lists(INSTANTS, min_size=3, max_size=3).map(sorted))
def test_business_time_of_two_stretches_adds_up(calendar, instants):
    a, b, c = instants
    assert business_between(calendar, a, c) == business_between(calendar, a, b) + business_between(calendar, b, c)


@settings(max_examples=200, deadline=None)
@given(
    received=INSTANTS,
    pauses=st.lists(st.tuples(INSTANTS, DURATIONS).map(lambda p: Pause(p[0], p[0] + p[1])), max_size=4),
)
def test_pauses_never_bring_a_promise_forward(received, pauses):
    due = first_response_due(OFFICE, received)
    moved = due_with_pauses(OFFICE, received, due, pauses)
    assert moved is not None
    assert moved >= due
    paused = sum((business_between(OFFICE, max(p.start, received), p.end) for p in pauses if p.end), timedelta(0))
    assert business_between(OFFICE, due, moved) <= paused
