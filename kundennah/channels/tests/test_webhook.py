"""The signed inbound webhook: only what the source signed becomes a concern, and only once."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from kundennah.core.webhooks import secret_new, signature_make
from kundennah.service.models import Concern, InboundSource, Message
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db

URL = "/hooks/inbound/chatbot/"


@pytest.fixture
def source(team) -> InboundSource:
    return InboundSource.objects.create(name="chatbot", channel="chat", secret=secret_new())


def payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "contact": {"name": "Erika Mustermann", "email": "erika@example.org", "phone": ""},
        "subject": "Lieferung fehlt", "body": "Meine Bestellung ist nicht angekommen.",
    }
    body.update(overrides)
    return body


def post(source: InboundSource, body: Any, *, msg_id: str = "msg_1", timestamp: int | None = None,
         secret: str | None = None, raw: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
    data = raw if raw is not None else json.dumps(body).encode()
    stamp = int(time.time()) if timestamp is None else timestamp
    signed = {
        "webhook-id": msg_id, "webhook-timestamp": str(stamp),
        "webhook-signature": signature_make(secret=secret or source.secret, msg_id=msg_id, timestamp=stamp,
                                            body=data),
    }
    return Client().post(URL, data=data, content_type="application/json",
                         headers=signed if headers is None else headers)


def test_signed_post_becomes_a_concern_on_the_sources_channel(source):
    response = post(source, payload())
    assert response.status_code == 201, response.json()
    concern = Concern.objects.get()
    assert response.json()["reference"] == concern.reference
    assert concern.channel == "chat" and concern.contact_email == "erika@example.org"
    assert response.json()["first_response_due_at"] is not None


def test_redelivery_returns_the_same_concern(source):
    first = post(source, payload(), msg_id="msg_42")
    again = post(source, payload(), msg_id="msg_42")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert Concern.objects.count() == 1


def test_the_same_id_from_another_source_is_another_message(source):
    other = InboundSource.objects.create(name="social", channel="social", secret="plain-secret")
    post(source, payload(), msg_id="msg_7")
    data = json.dumps(payload()).encode()
    stamp = int(time.time())
    response = Client().post("/hooks/inbound/social/", data=data, content_type="application/json", headers={
        "webhook-id": "msg_7", "webhook-timestamp": str(stamp),
        "webhook-signature": signature_make(secret=other.secret, msg_id="msg_7", timestamp=stamp, body=data)})
    assert response.status_code == 201
    assert Concern.objects.count() == 2


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"secret": secret_new()}, "signature_invalid"),
    ({"headers": {}}, "signature_missing"),
    ({"timestamp": int(time.time()) - 600}, "timestamp_out_of_tolerance"),
])
def test_forged_missing_or_stale_signature_is_refused(source, kwargs, code):
    response = post(source, payload(), **kwargs)
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert not Concern.objects.exists()


def test_a_body_changed_after_signing_is_refused(source):
    data = json.dumps(payload()).encode()
    stamp = int(time.time())
    headers = {"webhook-id": "m", "webhook-timestamp": str(stamp),
               "webhook-signature": signature_make(secret=source.secret, msg_id="m", timestamp=stamp, body=data)}
    tampered = data.replace(b"Lieferung", b"Rechnung!")
    response = Client().post(URL, data=tampered, content_type="application/json", headers=headers)
    assert response.status_code == 401


def test_one_valid_signature_among_several_is_enough(source):
    data = json.dumps(payload()).encode()
    stamp = int(time.time())
    good = signature_make(secret=source.secret, msg_id="m", timestamp=stamp, body=data)
    headers = {"webhook-id": "m", "webhook-timestamp": str(stamp), "webhook-signature": f"v1,Zm9v {good}"}
    assert Client().post(URL, data=data, content_type="application/json", headers=headers).status_code == 201


def test_bad_json_and_bad_fields(source):
    assert post(source, None, raw=b"{nope").status_code == 400
    response = post(source, [1, 2], msg_id="m2")
    assert response.status_code == 422
    response = post(source, payload(contact={}, subject="", body=""), msg_id="m3")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"body", "contact"}
    response = post(source, payload(subject=7), msg_id="m4")
    assert response.status_code == 422
    assert not Concern.objects.exists()


def test_unknown_or_inactive_source_is_404(source):
    source.active = False
    source.save(update_fields=["active"])
    assert post(source, payload()).status_code == 404


def test_only_post_is_allowed(source):
    assert Client().get(URL).status_code == 405


def test_reply_with_reference_and_token_joins_the_concern(source):
    concern = factories.concern()
    response = post(source, payload(reference=concern.reference, token=concern.access_token,
                                    body="Hier noch die Bestellnummer: 4711"), msg_id="r1")
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == concern.pk
    assert concern.messages.filter(kind=Message.Kind.INBOUND, external_key="inbound:chatbot:r1").exists()
    again = post(source, payload(reference=concern.reference, token=concern.access_token, body="x"), msg_id="r1")
    assert again.status_code == 200 and concern.messages.count() == 2


def test_reply_with_a_wrong_token_adds_nothing(source):
    concern = factories.concern()
    response = post(source, payload(reference=concern.reference, token="guessed"), msg_id="r2")
    assert response.status_code == 404
    assert concern.messages.count() == 1


def test_nul_bytes_and_broken_characters_in_a_chat_message_are_stored_without_them(source):
    body = payload(contact={"name": "Jana\x00 Wolf", "email": "jana.wolf@example.org"},
                   subject="Frage\x00", body="Hallo\x00 \ud800Welt")
    response = post(source, body)
    assert response.status_code == 201
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.contact_name == "Jana Wolf" and concern.subject == "Frage"
    assert "\x00" not in concern.messages.get().body
