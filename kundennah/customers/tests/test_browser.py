"""End to end in a real chromium: an agent finds a customer with the keyboard, sees the whole
picture, edits in place and logs a call — the way a working day looks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import login
from kundennah.customers import services
from kundennah.customers.models import ContactPoint
from kundennah.customers.tests import factories
from kundennah.timeline.models import Interaction

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def hans(agent):
    customer = factories.person(agent, first_name="Hans", last_name="Müller", phones=["030 1234567"])
    org = factories.organisation(agent, name="Bäckerei Sonnenschein")
    services.membership_add(actor=agent, person=customer, organisation=org, role="Einkauf")
    return customer


def test_agent_finds_a_customer_by_keyboard_and_logs_a_call(page, agent, hans):
    login(page, agent.username)
    page.goto(f"/customers/{hans.memberships.get().organisation_id}/")
    page.keyboard.press("/")
    expect(page.locator("#global-search")).to_be_focused()
    page.keyboard.type("Mueller")
    suggestion = page.locator("#search-suggestions a", has_text="Hans Müller")
    expect(suggestion).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/customers/{hans.pk}/$"))
    expect(page.locator("h1")).to_have_text("Hans Müller")
    expect(page.locator("#section-memberships")).to_contain_text("Bäckerei Sonnenschein")

    page.keyboard.press("l")
    page.fill("#id_subject", "Rückruf wegen Lieferung")
    page.fill("#id_summary", "Kunde möchte die Lieferung auf Freitag verschieben.")
    page.click("text=Kontakt speichern")
    expect(page.locator("#timeline-items")).to_contain_text("Rückruf wegen Lieferung")
    assert Interaction.objects.get(customer=hans).channel == "phone"


def test_invalid_phone_is_marked_at_the_field_and_a_valid_one_is_saved(page, agent, hans):
    login(page, agent.username)
    page.goto(f"/customers/{hans.pk}/")
    page.click("#section-contacts >> text=Hinzufügen")
    page.select_option("#section-contacts select[name=kind]", "phone")
    page.fill("#section-contacts input[name=value]", "12345")
    page.click("#section-contacts >> text=Speichern")
    expect(page.locator("#section-contacts .invalid-feedback")).to_contain_text("keine gültige Telefonnummer")
    page.fill("#section-contacts input[name=value]", "0171 2345678")
    page.click("#section-contacts >> text=Speichern")
    expect(page.locator("#section-contacts")).to_contain_text("+49 171 2345678")
    assert ContactPoint.objects.filter(customer=hans, value="+491712345678").exists()


def test_profile_edit_by_keyboard_shows_in_the_change_history(page, agent, hans):
    login(page, agent.username)
    page.goto(f"/customers/{hans.pk}/")
    page.keyboard.press("e")
    page.fill("#section-profile input[name=title]", "Dr.")
    page.keyboard.press("Enter")
    expect(page.locator("#section-profile")).to_contain_text("Dr. Hans Müller")
    page.click("text=Änderungsverlauf")
    expect(page.locator("#audit-log")).to_contain_text("Dr.")
    expect(page.locator("#audit-log")).to_contain_text(agent.display_name)


def test_escape_cancels_editing_without_saving(page, agent, hans):
    login(page, agent.username)
    page.goto(f"/customers/{hans.pk}/")
    page.keyboard.press("e")
    page.fill("#section-profile input[name=last_name]", "Schmidt")
    page.keyboard.press("Escape")
    expect(page.locator("#section-profile form")).to_have_count(0)
    hans.refresh_from_db()
    assert hans.last_name == "Müller"
