"""Business calendars, and the response promise a service desk makes with them.

The calendar says when a team works and how much working time lies between two instants; the
promise says by when a customer gets an answer, how waiting for the customer moves it, and
how the customer is told.

A calendar knows a team's working hours per weekday in one time zone, the German public
holidays (nationwide plus one optional Bundesland) and the company's own closing days.
Business time is real elapsed time inside working hours: the arithmetic is done in UTC, so a
night shift across a change to or from summer time counts the hour that really passed, not
the wall clock's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from babel.dates import format_datetime
from django.utils.translation import gettext, override

Hours = tuple[time, time]


def _office_hours() -> Mapping[int, Hours]:
    return {weekday: (time(8), time(18)) for weekday in range(5)}


# Ten years without a single business day can only be a misconfigured calendar (closing days
# covering everything); stop instead of looping for ever.
_MAX_CLOSED_DAYS = 3660


@functools.lru_cache(maxsize=512)
def public_holidays(year: int, state: str | None = None) -> frozenset[date]:
    """German public holidays of one year: nationwide, plus those of ``state`` when given.

    Cached per (year, state): building the table costs far more than the lookups that use it,
    and a sweep over thousands of concerns asks for the same few years again and again.
    Only the ``public`` category counts: days such as the Assumption in Catholic parts of
    Bavaria are not holidays for the whole state, so a team there adds them as closing days.
    """
    return frozenset(holidays.country_holidays("DE", subdiv=state, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    """When one team works. Immutable, so it can be shared, cached and compared.

    ``hours`` maps a weekday (Monday is 0) to opening and closing time on that day; a weekday
    that is absent is a closed day. Closing must be later than opening on the same day: shifts
    across midnight are not supported. ``state`` is a Bundesland code such as ``"BY"`` whose
    holidays count in addition to the nationwide ones.
    """

    timezone: str = "Europe/Berlin"
    # Excluded from the hash because a mapping is not hashable; equality still compares it.
    hours: Mapping[int, Hours] = field(default_factory=_office_hours, hash=False)
    state: str | None = None
    closing_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ValueError, LookupError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc
        if self.state is not None and self.state not in holidays.Germany.subdivisions:
            raise ValueError(f"unknown Bundesland {self.state!r}")
        for weekday, (opens, closes) in self.hours.items():
            if weekday not in range(7):
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {weekday!r}")
            if opens.tzinfo is not None or closes.tzinfo is not None:
                raise ValueError("working hours are wall-clock times in the calendar's time zone, without tzinfo")
            if not opens < closes:
                raise ValueError(f"weekday {weekday}: closing time {closes} is not after opening time {opens}")
        if not self.hours:
            raise ValueError("a calendar needs working hours on at least one weekday")
        # Frozen copies, so a caller changing its dict or set afterwards cannot change the calendar.
        object.__setattr__(self, "hours", MappingProxyType(dict(self.hours)))
        object.__setattr__(self, "closing_days", frozenset(self.closing_days))

    def __reduce__(self) -> tuple[type[BusinessCalendar], tuple[str, dict[int, Hours], str | None, frozenset[date]]]:
        # A mapping proxy cannot be pickled, and calendars go through Django's cache and task queues.
        return (type(self), (self.timezone, dict(self.hours), self.state, self.closing_days))

    @classmethod
    def default(cls, *, state: str | None = None, closing_days: Iterable[date] = ()) -> BusinessCalendar:
        """Monday to Friday, 08:00 to 18:00 in Europe/Berlin."""
        return cls(state=state, closing_days=frozenset(closing_days))

    @property
    def zone(self) -> ZoneInfo:
        # ZoneInfo keeps its own cache of instances, so this costs a dict lookup.
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        return (
            day.weekday() in self.hours
            and day not in self.closing_days
            and day not in public_holidays(day.year, self.state)
        )

    def working_hours(self, day: date) -> tuple[datetime, datetime] | None:
        """Opening and closing of ``day`` (a date in the calendar's zone) in UTC; None if closed.

        A wall time that the clock skips or passes twice on the day of a change to or from
        summer time is read with ``fold=0`` (the offset in force before the change).
        """
        if not self.is_business_day(day):
            return None
        opens, closes = self.hours[day.weekday()]
        zone = self.zone
        return (
            datetime.combine(day, opens, tzinfo=zone).astimezone(UTC),
            datetime.combine(day, closes, tzinfo=zone).astimezone(UTC),
        )

    def local_date(self, instant: datetime) -> date:
        return _utc(instant).astimezone(self.zone).date()


def next_business_day(calendar: BusinessCalendar, day: date) -> date:
    """The first business day strictly after ``day``."""
    for offset in range(1, _MAX_CLOSED_DAYS + 1):
        candidate = day + timedelta(days=offset)
        if calendar.is_business_day(candidate):
            return candidate
    raise ValueError("the calendar has no business day within ten years")


def business_add(calendar: BusinessCalendar, start: datetime, duration: timedelta) -> datetime:
    """The instant at which ``duration`` of business time has passed since ``start``.

    Nights, closed weekdays, public holidays and closing days are skipped. A start outside
    working hours (including exactly at closing time) rolls forward to the next opening, so a
    zero duration gives the next instant the team is at work. A duration that ends exactly at
    a closing time gives that closing time, not the next opening. The answer is in the
    calendar's zone.
    """
    if duration < timedelta(0):
        raise ValueError("business time cannot be negative")
    begin = _utc(start)
    remaining = duration
    closed_in_a_row = 0
    for day in _days_from(calendar.local_date(begin)):
        window = calendar.working_hours(day)
        if window is None or begin >= window[1]:
            closed_in_a_row += 1
            if closed_in_a_row > _MAX_CLOSED_DAYS:
                raise ValueError("the calendar has no business day within ten years")
            continue
        closed_in_a_row = 0
        opens, closes = window
        begin = max(begin, opens)
        if remaining <= closes - begin:
            return (begin + remaining).astimezone(calendar.zone)
        remaining -= closes - begin
    raise AssertionError("unreachable: _days_from never ends")  # pragma: no cover


def business_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    """Business time that passed from ``start`` to ``end``; zero when ``end`` is not later."""
    begin, finish = _utc(start), _utc(end)
    if finish <= begin:
        return timedelta(0)
    total = timedelta(0)
    day, last = calendar.local_date(begin), calendar.local_date(finish)
    while day <= last:
        window = calendar.working_hours(day)
        if window is not None:
            overlap = min(finish, window[1]) - max(begin, window[0])
            if overlap > timedelta(0):
                total += overlap
        day += timedelta(days=1)
    return total


class Pause(NamedTuple):
    """Time spent waiting for the customer; ``end`` is None while we are still waiting."""

    start: datetime
    end: datetime | None = None


def first_response_due(calendar: BusinessCalendar, received_at: datetime) -> datetime:
    """The promise "first response by the end of the next business day".

    Due at the closing time of the first business day strictly after the calendar day (in the
    calendar's zone) on which the concern arrived, whatever kind of day that was. A concern
    received on a Saturday or a Sunday is due on Monday evening, one received on a holiday or
    a closing day at the end of the business day after it, one received on Christmas Eve
    2026 on Monday 28 December. A receipt on a closed day is deliberately not rolled forward
    to the next opening first: that would give a customer who writes at the weekend a longer
    promise (Tuesday) than one who writes on Friday morning (Monday). The price is that a
    concern received after closing time, or on a closed day, leaves the team one business day.
    """
    day = next_business_day(calendar, calendar.local_date(received_at))
    window = calendar.working_hours(day)
    assert window is not None, "next_business_day returns a business day"
    return window[1].astimezone(calendar.zone)


def due_with_pauses(
    calendar: BusinessCalendar,
    received_at: datetime,
    due_at: datetime,
    pauses: Iterable[Pause | tuple[datetime, datetime | None]],
) -> datetime | None:
    """When a promise made at ``received_at`` for ``due_at`` is due, with the clock stopped in pauses.

    While we wait for the customer the clock stops, so the due time moves on by the business
    time the pause covers (its nights and weekends cost nothing). A pause counts only from
    receipt and only if it begins before the promise is due: a pause that begins later cannot
    mend a promise already kept or broken. Overlapping pauses count once. The answer is None
    while a pause that counts is still open: there is no due time while the customer has the
    ball.
    """
    due = _utc(due_at)
    for start, end in _pauses_merged(pauses, not_before=_utc(received_at)):
        if start >= due:
            break
        if end is None:
            return None
        paused = business_between(calendar, start, end)
        if paused:
            due = _utc(business_add(calendar, due, paused))
    return due.astimezone(calendar.zone)


_BABEL_LOCALES = {"de": "de_DE", "en": "en_GB"}
_DUE_PATTERNS = {"de": "EEEE, d. MMMM, HH:mm 'Uhr'", "en": "EEEE, d MMMM, h:mm a"}


def due_format(due_at: datetime, calendar: BusinessCalendar, language: str) -> str:
    """A due time as the customer reads it, in the calendar's zone.

    ``Montag, 28. Dezember, 18:00 Uhr`` in German, ``Monday, 28 December, 6:00 pm`` in English.
    The year is left out: a promise is at most a few days ahead.
    """
    lang = language_supported(language)
    return format_datetime(_utc(due_at), _DUE_PATTERNS[lang], tzinfo=calendar.zone, locale=_BABEL_LOCALES[lang])


def promise_text(due_at: datetime, calendar: BusinessCalendar, language: str, *, callback: bool = False) -> str:
    """The sentence that tells the customer by when they hear from us (or, for a callback
    request, by when we call), in their language."""
    lang = language_supported(language)
    with override(lang):
        if callback:
            # Translators: %(due)s is a weekday, date and time such as "Montag, 30. November, 09:00 Uhr".
            sentence = gettext("We will call you by %(due)s at the latest.")
        else:
            # Translators: %(due)s is a weekday, date and time such as "Montag, 28. Dezember, 18:00 Uhr".
            # German: "Sie erhalten spätestens am %(due)s eine Antwort."
            sentence = gettext("You will receive an answer by %(due)s at the latest.")
    return sentence % {"due": due_format(due_at, calendar, lang)}


def language_supported(language: str) -> str:
    """"en" for English, else "de".

    Anything but English gets German, the platform's first language, for the sentence and the
    date alike, so that a customer never reads an English sentence with a German date.
    """
    return "en" if language.replace("_", "-").split("-")[0].lower() == "en" else "de"


def _pauses_merged(
    pauses: Iterable[tuple[datetime, datetime | None]], *, not_before: datetime
) -> list[tuple[datetime, datetime | None]]:
    """Pauses in UTC, cut to ``not_before``, sorted, overlapping ones joined; an open one swallows later ones."""
    spans: list[tuple[datetime, datetime | None]] = []
    for start, end in pauses:
        begin, finish = _utc(start), None if end is None else _utc(end)
        if finish is not None and finish < begin:
            raise ValueError(f"a pause cannot end ({finish.isoformat()}) before it starts ({begin.isoformat()})")
        begin = max(begin, not_before)
        if finish is None or finish > begin:
            spans.append((begin, finish))
    spans.sort(key=lambda span: span[0])
    merged: list[tuple[datetime, datetime | None]] = []
    for begin, finish in spans:
        if merged and (merged[-1][1] is None or begin <= merged[-1][1]):
            last_begin, last_finish = merged[-1]
            merged[-1] = (last_begin, None if last_finish is None or finish is None else max(last_finish, finish))
        else:
            merged.append((begin, finish))
    return merged


def _days_from(day: date) -> Iterator[date]:
    while True:
        yield day
        day += timedelta(days=1)


def _utc(instant: datetime) -> datetime:
    # Aware datetimes sharing one tzinfo are subtracted and compared by wall clock, which is an
    # hour off across a change to summer time; UTC has no such changes.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"an aware datetime is needed, not the naive {instant.isoformat()}")
    return instant.astimezone(UTC)
