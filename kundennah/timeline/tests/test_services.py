"""Every contact lands on the timeline exactly once, through one service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kundennah.core.errors import DomainValidationError
from kundennah.core.models import Event
from kundennah.customers.tests import factories
from kundennah.timeline.models import Interaction
from kundennah.timeline.selectors import cursor_decode, timeline_page
from kundennah.timeline.services import interaction_record

pytestmark = pytest.mark.django_db


def test_a_channel_retrying_with_the_same_key_writes_the_contact_once(agent):
    customer = factories.person(agent)
    first = interaction_record(customer=customer, channel="email", direction="inbound", subject="Rechnung",
                               external_key="mail:<abc@example.de>")
    again = interaction_record(customer=customer, channel="email", direction="inbound", subject="Rechnung",
                               external_key="mail:<abc@example.de>")
    assert first.pk == again.pk
    assert Interaction.objects.count() == 1
    assert Event.objects.filter(name="interaction.recorded").count() == 1


def test_contact_needs_a_subject_or_summary_a_known_channel_and_no_future_date(agent):
    customer = factories.person(agent)
    with pytest.raises(DomainValidationError) as exc:
        interaction_record(customer=customer, channel="fax", direction="sideways",
                           occurred_at=timezone.now() + dt.timedelta(days=2))
    assert {e.field: e.code for e in exc.value.errors} == {
        "channel": "invalid_choice", "direction": "invalid_choice", "occurred_at": "in_future",
        "summary": "required",
    }
    assert not Interaction.objects.exists()


def test_contact_at_a_site_of_another_customer_is_refused(agent):
    customer = factories.organisation(agent)
    foreign_site = factories.first_site(factories.organisation(agent, name="Andere AG"))
    with pytest.raises(DomainValidationError):
        interaction_record(customer=customer, channel="phone", direction="inbound", subject="x", site=foreign_site)


def test_timeline_is_newest_first_and_pages_without_gaps_or_repeats(agent):
    customer = factories.person(agent)
    same_time = timezone.now() - dt.timedelta(hours=1)
    for i in range(7):
        interaction_record(customer=customer, channel="phone", direction="inbound", subject=f"#{i}",
                           occurred_at=same_time if i < 4 else same_time - dt.timedelta(minutes=i))
    seen, cursor = [], None
    while True:
        page = timeline_page(customer=customer, cursor=cursor, limit=3)
        seen.extend(item.subject for item in page.items)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert sorted(seen) == [f"#{i}" for i in range(7)]
    assert len(seen) == len(set(seen))


def test_garbage_cursor_starts_from_the_newest(agent):
    assert cursor_decode("nonsense") is None
    assert cursor_decode("2026-01-01T00:00:00|x") is None
    assert cursor_decode("2026-01-01T00:00:00|5") is None  # without time zone
