"""Outbound webhooks against a real HTTP server on 127.0.0.1: signed, retried, logged, once."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.utils import timezone

from kundennah.core import webhooks
from kundennah.core.models import Event, WebhookDelivery, WebhookSubscription
from kundennah.core.tasks import webhooks_run_task
from kundennah.customers.tests.test_api_client import Api, errors_of
from kundennah.service.tests import factories

pytestmark = pytest.mark.django_db


class Receiver:
    """An HTTP endpoint that records what it gets and answers with the next queued status."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()},
                                          "body": body, "path": self.path})
                status = receiver.statuses.pop(0) if receiver.statuses else 204
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def subscription(receiver, admin_user) -> WebhookSubscription:
    return webhooks.webhook_subscribe(url=receiver.url, events=["concern.created"], actor=admin_user)


def test_new_concern_is_delivered_signed(receiver, subscription, agent):
    concern = factories.concern()
    webhooks_run_task()
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = json.loads(request["body"])
    assert body["type"] == "concern.created"
    assert body["data"]["reference"] == concern.reference
    event = Event.objects.get(name="concern.created")
    headers = request["headers"]
    assert headers["webhook-id"] == str(event.pk)
    assert webhooks.signature_verify(
        secret=subscription.secret, msg_id=headers["webhook-id"], timestamp=headers["webhook-timestamp"],
        signature_header=headers["webhook-signature"], body=request["body"],
    ) is None
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status_code == 204


def test_events_not_subscribed_and_bookkeeping_are_not_sent(receiver, subscription, agent):
    concern = factories.concern()
    from kundennah.service.services import concern_transition

    concern_transition(concern=concern, status="open", actor=agent)
    webhooks_run_task()
    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["concern.created"]


def test_running_twice_delivers_once(receiver, subscription):
    factories.concern()
    webhooks_run_task()
    webhooks_run_task()
    webhooks.webhooks_dispatch()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.count() == 1


def test_events_before_the_subscription_are_not_sent(receiver, admin_user):
    factories.concern()
    webhooks.webhooks_dispatch()
    webhooks.webhook_subscribe(url=receiver.url, events=["*"], actor=admin_user)
    webhooks_run_task()
    assert receiver.requests == []


def test_failures_are_retried_with_backoff_then_given_up(receiver, subscription):
    receiver.statuses = [500] * 10
    factories.concern()
    webhooks.webhooks_dispatch()
    delivery = WebhookDelivery.objects.get()
    now = timezone.now()
    waits = []
    for _attempt in range(len(webhooks.BACKOFF) + 1):
        webhooks.webhooks_send_due(now=now)
        delivery.refresh_from_db()
        if delivery.next_attempt_at is not None:
            waits.append(delivery.next_attempt_at - now)
            # Before the backoff has passed nothing is sent.
            assert webhooks.webhooks_send_due(now=now + dt.timedelta(seconds=30)) == 0
            now = delivery.next_attempt_at
    assert waits == webhooks.BACKOFF
    assert delivery.status == "failed" and delivery.attempts == 6 and delivery.last_status_code == 500
    assert len(receiver.requests) == 6
    log = webhooks.delivery_attempts([delivery])[delivery.pk]
    assert [entry["status_code"] for entry in log] == [500] * 6


def test_a_later_success_ends_the_retries(receiver, subscription):
    receiver.statuses = [503]
    factories.concern()
    webhooks_run_task()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_error == "HTTP 503"
    webhooks.webhooks_send_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2


def test_an_unreachable_receiver_is_logged_as_an_error(admin_user):
    with Receiver() as gone:
        url = gone.url
    webhooks.webhook_subscribe(url=url, events=["*"], actor=admin_user)
    factories.concern()
    webhooks_run_task()
    delivery = WebhookDelivery.objects.get(event__name="concern.created")
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error


def test_signature_scheme_matches_the_standard_webhooks_example():
    # The example of the Standard Webhooks specification's reference libraries.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = webhooks.signature_make(secret=secret, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330,
                                        body=body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


# --- API --------------------------------------------------------------------------------------


def test_admin_subscribes_and_sees_the_secret_once(admin_user, receiver):
    api = Api(admin_user)
    response = api.post("/api/v1/webhooks", {"url": receiver.url, "events": ["concern.created"],
                                             "description": "ERP"})
    assert response.status_code == 201, response.json()
    assert response.json()["secret"].startswith("whsec_")
    listed = api.get("/api/v1/webhooks").json()
    assert [w["url"] for w in listed] == [receiver.url]
    assert "secret" not in listed[0]


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "file:///etc/passwd", "javascript:alert(1)", "nohost"])
def test_only_http_urls_are_accepted(admin_user, url):
    response = Api(admin_user).post("/api/v1/webhooks", {"url": url, "events": ["*"]})
    assert response.status_code == 422
    assert errors_of(response) == {"url": "invalid_url"}


def test_delivery_log_and_unsubscribe(admin_user, receiver, subscription):
    receiver.statuses = [500]
    factories.concern()
    webhooks_run_task()
    api = Api(admin_user)
    log = api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries").json()
    assert log[0]["event_type"] == "concern.created" and log[0]["status"] == "pending"
    assert log[0]["log"][0]["status_code"] == 500
    assert api.delete(f"/api/v1/webhooks/{subscription.pk}").status_code == 204
    assert api.get("/api/v1/webhooks").json() == []
    assert WebhookDelivery.objects.get().status == "failed"
    assert api.get(f"/api/v1/webhooks/{subscription.pk}/deliveries").status_code == 404


def test_webhook_endpoints_are_for_admins_only(agent, team_lead, customer_contact, subscription):
    calls = [("post", "/api/v1/webhooks", {"url": "https://example.org/h", "events": ["*"]}),
             ("get", "/api/v1/webhooks", None),
             ("delete", f"/api/v1/webhooks/{subscription.pk}", None),
             ("get", f"/api/v1/webhooks/{subscription.pk}/deliveries", None)]
    for user, status in ((None, 401), (customer_contact, 403), (agent, 403), (team_lead, 403)):
        for method, path, body in calls:
            client = Api(user)
            response = client.post(path, body) if method == "post" else getattr(client, method)(path)
            assert response.status_code == status, (user, method, path)
    assert WebhookSubscription.objects.filter(active=True).count() == 1
