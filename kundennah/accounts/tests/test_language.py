"""German by default, English on request, remembered per user."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_agent_sees_german_until_choosing_english(agent_client, agent):
    page = agent_client.get(reverse("customers:list"))
    assert page["Content-Language"] == "de"
    agent_client.post(reverse("accounts:language"), {"language": "en", "next": "/customers/"})
    agent.refresh_from_db()
    assert agent.language == "en"
    page = agent_client.get(reverse("customers:list"))
    assert page["Content-Language"] == "en"
    assert "Customers" in page.content.decode()


def test_unknown_language_or_foreign_redirect_is_ignored(agent_client, agent):
    response = agent_client.post(reverse("accounts:language"), {"language": "xx", "next": "https://evil.example/"})
    assert response["Location"] == "/"
    agent.refresh_from_db()
    assert agent.language == "de"


def test_language_switch_needs_login_and_post(client, agent_client):
    assert client.post(reverse("accounts:language"), {"language": "en"}).status_code == 302
    assert agent_client.get(reverse("accounts:language")).status_code == 405
