"""In a real browser: a customer writes in, an agent answers and resolves, the customer follows along.

The contact form refuses submissions faster than three seconds, so the customer "reads" the
form first by backdating its signed token (the same token a person gets after a pause).
"""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache

from conftest import login
from kundennah.channels.forms import form_token
from kundennah.service.models import Concern

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def _as_if_read_for_a_while(page) -> None:
    page.eval_on_selector("input[name=form_token]", "(el, value) => { el.value = value; }",
                          form_token(at=time.time() - 30))


def test_customer_writes_agent_replies_and_resolves_and_the_status_page_follows(page, agent):
    page.goto("/contact/")
    page.fill("#id_name", "Erika Mustermann")
    page.fill("#id_email", "erika@example.org")
    page.fill("#id_subject", "Rechnung doppelt abgebucht")
    page.fill("#id_message", "Meine Rechnung wurde zweimal abgebucht.")
    _as_if_read_for_a_while(page)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/contact/thanks/[A-Za-z0-9_-]{43}/$"))
    promise = page.get_by_test_id("promise").inner_text()
    assert re.match(r"Sie erhalten spätestens am \w+, \d+\. \w+, \d\d:\d\d Uhr eine Antwort\.", promise)
    concern = Concern.objects.get()
    assert page.get_by_test_id("reference").inner_text() == concern.reference
    status_url = f"/contact/c/{concern.access_token}/"

    agent_page = page.context.browser.new_context(base_url=page.url.split("/contact/")[0], locale="de-DE").new_page()
    login(agent_page, "anna_agent")
    agent_page.goto(f"/service/concerns/{concern.pk}/")
    agent_page.fill("#form-reply textarea[name=body]", "Wir haben die doppelte Abbuchung storniert.")
    agent_page.click("#form-reply button[type=submit]")
    agent_page.wait_for_selector("text=Wir haben die doppelte Abbuchung storniert.")

    page.goto(status_url)
    assert "Wir haben die doppelte Abbuchung storniert." in page.inner_text("main")

    agent_page.click("#form-status button[value=resolved]")
    agent_page.wait_for_function("() => !document.querySelector('#form-status button[value=resolved]')")
    concern.refresh_from_db()
    assert concern.status == "resolved"
    page.goto(status_url)
    assert page.get_by_test_id("status").inner_text() in {"Erledigt", "Resolved", "Gelöst"}
    agent_page.context.close()


def test_callback_request_is_acknowledged_and_shows_done_after_the_call(page, agent):
    page.goto("/callback/")
    page.fill("#id_name", "Jens Krüger")
    page.fill("#id_phone", "0151 23456789")
    page.check("input[name=window][value=asap]")
    _as_if_read_for_a_while(page)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/contact/thanks/"))
    assert "Uhr" in page.get_by_test_id("promise").inner_text()
    concern = Concern.objects.get()
    assert concern.is_callback

    agent_page = page.context.browser.new_context(base_url=page.url.split("/contact/")[0], locale="de-DE").new_page()
    login(agent_page, "anna_agent")
    agent_page.goto(f"/service/concerns/{concern.pk}/")
    agent_page.fill("#form-callback textarea[name=note]", "Angerufen, Frage zur Rechnung geklärt.")
    agent_page.click("#form-callback button[type=submit]")
    agent_page.wait_for_function("() => !document.querySelector('#form-callback')")
    agent_page.context.close()

    page.goto(f"/contact/c/{concern.access_token}/")
    assert "Angerufen, Frage zur Rechnung geklärt." in page.inner_text("main")
    concern.refresh_from_db()
    assert concern.status == "resolved"
