"""Staff sign in with a password, and with a second factor once they have set one up."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_agent_signs_in_with_username_and_password(client, agent):
    response = client.post(reverse("account_login"), {"login": agent.username, "password": "test-password-123"})
    assert response.status_code == 302
    assert client.get(reverse("customers:list")).status_code == 200


def test_wrong_password_keeps_the_door_shut_with_a_german_message(client, agent):
    response = client.post(reverse("account_login"), {"login": agent.username, "password": "falsch"})
    assert response.status_code == 200
    assert "falsch" in response.content.decode()
    assert client.get(reverse("customers:list")).status_code == 302


def test_nobody_can_sign_up_themselves(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    assert 'name="password1"' not in response.content.decode()


def test_with_totp_enabled_the_password_alone_is_not_enough(client, agent):
    secret = generate_totp_secret()
    TOTP.activate(agent, secret)
    response = client.post(reverse("account_login"), {"login": agent.username, "password": "test-password-123"})
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("customers:list")).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    right = client.post(reverse("mfa_authenticate"), {"code": code})
    assert right.status_code == 302
    assert client.get(reverse("customers:list")).status_code == 200


def test_mfa_settings_page_is_there_for_signed_in_staff(agent_client):
    page = agent_client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Authenticator" in page.content.decode()
