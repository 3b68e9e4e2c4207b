"""Personas every permission test uses, as in healthchecks' hc/test.py: the rightful users
(agent, team lead, admin), a user of another team, a customer contact, and nobody."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from kundennah.accounts.models import Team, User


@pytest.fixture(autouse=True)
def _fresh_service_configuration():
    """Each test sees the configuration its own data makes, not a snapshot from the one before."""
    from kundennah.service import configuration

    configuration.clear()
    yield
    configuration.clear()


def _user(username: str, role: str, team: Team | None = None) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@kundennah.example", password="test-password-123",
        role=role, first_name=username.replace("_", " ").title(),
    )
    if team is not None:
        user.teams.add(team)
    return user


@pytest.fixture
def team(db) -> Team:
    return Team.objects.create(name="Service Nord")


@pytest.fixture
def other_team(db) -> Team:
    return Team.objects.create(name="Service Süd")


@pytest.fixture
def agent(db, team) -> User:
    return _user("anna_agent", User.Role.AGENT, team)


@pytest.fixture
def other_team_agent(db, other_team) -> User:
    return _user("otto_other", User.Role.AGENT, other_team)


@pytest.fixture
def team_lead(db, team) -> User:
    return _user("lena_lead", User.Role.TEAM_LEAD, team)


@pytest.fixture
def admin_user(db) -> User:
    return _user("adam_admin", User.Role.ADMIN)


@pytest.fixture
def customer_contact(db) -> User:
    """Someone from a customer (portal login): must never see the agent side."""
    return _user("kurt_kunde", User.Role.CUSTOMER)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def agent_client(agent) -> Client:
    return client_for(agent)


@pytest.fixture
def lead_client(team_lead) -> Client:
    return client_for(team_lead)


# --- Browser tests ---------------------------------------------------------------------------
# A real chromium (Debian's package) driven by Playwright against Django's live server.
# Locally they skip when chromium is missing; CI sets KUNDENNAH_REQUIRE_BROWSER=1 and installs it,
# so there a missing browser fails the run instead of silently skipping.

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("KUNDENNAH_REQUIRE_BROWSER") == "1":
            pytest.fail(f"chromium not found at {CHROMIUM}; browser tests must run here")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", viewport={"width": 1400, "height": 900},
                                  base_url=live_server.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def login(page, username: str, password: str = "test-password-123") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/customers/")
