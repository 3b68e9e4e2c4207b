"""API tokens: created once on the command line, accepted only while valid."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from kundennah.accounts.models import ApiToken
from kundennah.accounts.tokens import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def bearer(client, token: str):
    return client.get(URL, headers={"Authorization": f"Bearer {token}"})


def test_create_prints_only_the_token_on_stdout_and_the_hint_on_stderr(client, agent):
    out, err = run("create", "--user", agent.username, "--name", "ERP")
    token = out.strip()
    assert token.startswith("kn_") and "\n" not in token
    assert f"Authorization: Bearer {token}" in err
    stored = ApiToken.objects.get(user=agent)
    assert stored.name == "ERP" and stored.expires_at is None
    assert token not in (stored.key_hash, stored.prefix)  # only a hash is kept
    assert bearer(client, token).status_code == 200


def test_create_with_expiry_sets_the_date(agent):
    run("create", "--user", agent.username, "--expires-days", "30")
    expires = ApiToken.objects.get(user=agent).expires_at
    assert expires is not None
    assert dt.timedelta(days=29) < expires - timezone.now() <= dt.timedelta(days=30)


@pytest.mark.parametrize("days", ["0", "-3", "zwei"])
def test_create_refuses_nonsense_expiry(agent, days):
    with pytest.raises(CommandError):
        run("create", "--user", agent.username, "--expires-days", days)
    assert not ApiToken.objects.exists()


def test_unknown_user_is_a_clear_error_and_creates_nothing(db):
    with pytest.raises(CommandError, match="nobody"):
        run("create", "--user", "nobody")
    assert not ApiToken.objects.exists()


def test_unknown_user_exits_non_zero_on_the_command_line(db, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["kundennah", "token", "create", "--user", "nobody"]).execute()
    assert exit_info.value.code != 0
    assert "nobody" in capsys.readouterr().err


def test_inactive_user_gets_no_token(agent):
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    with pytest.raises(CommandError):
        run("create", "--user", agent.username)


def test_list_shows_prefix_and_state_but_never_the_token(agent, team_lead):
    token_a, raw_a = api_token_create(user=agent, name="Skript")
    token_b, _raw = api_token_create(user=team_lead, name="ERP")
    api_token_revoke(token=token_b)
    out, _err = run("list")
    assert token_a.prefix in out and token_b.prefix in out
    assert raw_a not in out
    assert "revoked" in out or "widerrufen" in out
    only_agent, _err = run("list", "--user", agent.username)
    assert token_a.prefix in only_agent and token_b.prefix not in only_agent


def test_revoke_by_prefix_shuts_the_token_out(client, agent):
    token, raw = api_token_create(user=agent, name="Skript")
    assert bearer(client, raw).status_code == 200
    run("revoke", token.prefix)
    assert bearer(client, raw).status_code == 401
    out, _err = run("revoke", token.prefix)  # twice is harmless
    assert token.prefix in out


def test_revoke_unknown_prefix_is_an_error(db):
    with pytest.raises(CommandError):
        run("revoke", "kn_nothere")


# --- Authentication on the API ---------------------------------------------------------------


def test_valid_token_authenticates_and_records_its_use(client, agent):
    token, raw = api_token_create(user=agent, name="t")
    assert bearer(client, raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_expired_token_is_refused(client, agent):
    expired = timezone.now() - dt.timedelta(seconds=1)
    _token, raw = api_token_create(user=agent, name="t", expires_at=expired)
    response = bearer(client, raw)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_of_an_inactive_user_is_refused(client, agent):
    _token, raw = api_token_create(user=agent, name="t")
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert bearer(client, raw).status_code == 401


@pytest.mark.parametrize("header", ["Bearer kn_wrong", "Bearer ", "Basic YWJjOmRlZg==",
                                    "Bearer " + "x" * 5000, "kn_only_the_token"])
def test_malformed_or_unknown_tokens_are_refused(client, db, header):
    response = client.get(URL, headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_unauthorised_message_follows_accept_language(client, db):
    german = client.get(URL).json()["message"]
    english = client.get(URL, headers={"Accept-Language": "en"}).json()["message"]
    assert english == "Please authenticate with a bearer token or a session."
    assert german != english
