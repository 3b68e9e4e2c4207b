"""Callback requests: from the public page and from the portal, with the time we promise to call."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.channels.forms import form_token
from kundennah.customers.tests import factories as customers
from kundennah.service import services
from kundennah.service.models import Concern

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db
URL = "/callback/"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


@pytest.fixture
def friday_afternoon(monkeypatch):
    instant = dt.datetime(2026, 11, 27, 17, 0, tzinfo=BERLIN)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def callback_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Jens Krüger", "phone": "0151 23456789", "email": "", "window": "asap", "date": "", "slot": "",
        "topic": "Frage zur Rechnung", "website": "", "form_token": form_token(at=time.time() - 10),
    }
    data.update(overrides)
    return data


def test_callback_page_is_public_and_offers_the_phone_number():
    response = Client().get(URL)
    assert response.status_code == 200
    assert 'href="tel:+493012345678"' in response.content.decode()


def test_as_soon_as_possible_is_due_within_two_business_hours_and_the_page_says_when(team, friday_afternoon):
    response = english().post(URL, callback_data())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert (concern.kind, concern.contact_phone, concern.channel) == ("callback", "+4915123456789", "webform")
    html = english().get(response["Location"]).content.decode()
    assert "We will call you by Monday, 30 November, 9:00 am at the latest." in html
    assert concern.reference in html


def test_a_chosen_window_within_business_hours_is_kept(team, friday_afternoon):
    english().post(URL, callback_data(window="slot", date="2026-12-01", slot="14"))
    concern = Concern.objects.get()
    assert concern.callback_from == dt.datetime(2026, 12, 1, 14, tzinfo=BERLIN)
    assert concern.callback_until == dt.datetime(2026, 12, 1, 16, tzinfo=BERLIN)
    assert concern.first_response_due_at == concern.callback_until


@pytest.mark.parametrize(("day", "slot", "field"), [
    ("2026-11-28", "10", "date"),   # a Saturday
    ("2026-12-25", "10", "date"),   # Christmas Day
    ("2026-11-27", "10", "date"),   # today, already past
    ("2026-12-01", "", "slot"),
    ("", "10", "date"),
])
def test_a_window_outside_business_hours_or_in_the_past_is_refused_at_its_field(team, friday_afternoon, day, slot,
                                                                                 field):
    response = english().post(URL, callback_data(window="slot", date=day, slot=slot))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Concern.objects.exists()


def test_the_phone_number_is_required_and_checked():
    response = english().post(URL, callback_data(phone=""))
    assert "phone" in response.context["form"].errors
    response = english().post(URL, callback_data(phone="12"))
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    assert not Concern.objects.exists()


def test_the_callback_form_has_the_same_spam_protection(team):
    assert Client().post(URL, callback_data(website="x")).status_code == 400
    assert Client().post(URL, callback_data(form_token=form_token(at=time.time()))).status_code == 400
    assert not Concern.objects.exists()
    data = callback_data()
    Client().post(URL, data)
    Client().post(URL, data)
    assert Concern.objects.count() == 1


def test_the_status_page_shows_when_the_callback_is_done(team, agent):
    english().post(URL, callback_data())
    concern = Concern.objects.get()
    services.callback_complete(concern=concern, actor=agent, note="Angerufen, Frage geklärt.")
    html = english().get(reverse("public:status", args=[concern.access_token])).content.decode()
    assert "Done: we called you" in html and "Angerufen, Frage geklärt." in html


# --- From the portal --------------------------------------------------------------------------


def test_portal_callback_is_prefilled_with_the_customers_phone_and_belongs_to_them(team):
    hans = customers.person(phones=["+49 30 1234567"])
    user = User.objects.create_user(username="hans", password="x-123456789", role="customer", customer=hans,
                                    email="hans@example.de")
    client = client_for(user)
    page = client.get(reverse("public:portal_callback"))
    assert page.status_code == 200 and "+49301234567" in page.content.decode()
    response = client.post(reverse("public:portal_callback"), {
        "phone": "+49 30 1234567", "window": "asap", "topic": "", "form_token": form_token()})
    concern = Concern.objects.get()
    assert response["Location"] == reverse("public:portal_concern", args=[concern.pk])
    assert (concern.kind, concern.channel, concern.customer, concern.raised_by) == ("callback", "portal", hans, user)


@pytest.mark.parametrize("persona", [None, "agent", "other_team_agent"])
def test_portal_callback_is_only_for_customer_contacts(request, persona):
    user = request.getfixturevalue(persona) if persona else None
    response = client_for(user).get(reverse("public:portal_callback"))
    assert response.status_code == (302 if user is None else 403)
