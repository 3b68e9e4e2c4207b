"""Orders through the API and the ERP: the site decides address and account, the server the money."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kundennah.commerce.models import (
    Device,
    Order,
    OrderStatus,
    PortalRight,
    PriceList,
    PriceListEntry,
    ReplenishmentRule,
)
from kundennah.commerce.pricing import LineInput
from kundennah.commerce.services import device_reading_record, order_place
from kundennah.commerce.tests.factories import sites_of
from kundennah.core.models import Event
from kundennah.customers.tests import factories as customers
from kundennah.customers.tests.test_api_client import Api, errors_of

pytestmark = pytest.mark.django_db



def body(company, site, **extra):
    return {"customer_id": company.pk, "site_id": site.pk,
            "lines": [{"sku": "TON-100", "quantity": 3}, {"sku": "KAF-1", "quantity": 2}], **extra}


def test_order_for_second_site_uses_its_own_address_and_iban(agent, company, products):
    first, second, _third = sites_of(company)
    api = Api(agent)
    one = api.post("/api/v1/orders", body(company, first)).json()
    two = api.post("/api/v1/orders", body(company, second)).json()
    assert one["delivery_address"][-1] == "86150 Augsburg" and two["delivery_address"][-1] == "80331 München"
    assert two["payment"]["method"] == "sepa"
    assert two["payment"]["iban_masked"] == "DE02 **** **** **** **20 51"
    assert one["payment"]["iban_masked"] != two["payment"]["iban_masked"]
    assert two["payment"]["mandate_reference"].startswith("MANDAT-LAGER")


def test_the_server_computes_prices_vat_and_totals(agent, company, products):
    site = sites_of(company)[0]
    answer = Api(agent).post("/api/v1/orders", body(company, site)).json()
    # 3 × 49,90 = 149,70 (+19 % = 28,44); 2 × 12,50 = 25,00 (+7 % = 1,75)
    assert answer["net_total"] == "174.70" and answer["vat_total"] == "30.19" and answer["gross_total"] == "204.89"
    assert [line["vat_rate"] for line in answer["lines"]] == ["19.00", "7.00"]


def test_a_customer_price_list_and_discount_apply(agent, company, products):
    price_list = PriceList.objects.create(customer=company, name="Rahmenvertrag", discount_percent=Decimal("10"))
    PriceListEntry.objects.create(price_list=price_list, product=products["toner"], price=Decimal("39.00"))
    answer = Api(agent).post("/api/v1/orders", body(company, sites_of(company)[0])).json()
    assert [line["unit_price"] for line in answer["lines"]] == ["39.00", "11.25"]


def test_a_price_or_total_sent_by_the_client_is_refused(agent, company, products):
    site = sites_of(company)[0]
    response = Api(agent).post("/api/v1/orders", {**body(company, site), "gross_total": "1.00"})
    assert response.status_code == 422
    lines = [{"sku": "TON-100", "quantity": 1, "unit_price": "0.01"}]
    response = Api(agent).post("/api/v1/orders", body(company, site, lines=lines))
    assert response.status_code == 422
    assert not Order.objects.exists()


@pytest.mark.parametrize(("line", "field", "code"), [
    ({"sku": "ALT-1", "quantity": 1}, "lines[0].sku", "inactive_product"),
    ({"sku": "GIBTSNICHT", "quantity": 1}, "lines[0].sku", "unknown_product"),
    ({"sku": "TON-100", "quantity": 0}, "lines[0].quantity", "invalid_quantity"),
    ({"sku": "TON-100", "quantity": 10**9}, "lines[0].quantity", "quantity_too_large"),
    ({"sku": "PAP-A4", "quantity": 1}, "lines[0].quantity", "below_minimum"),
])
def test_bad_lines_are_refused_by_field_and_nothing_is_placed(agent, company, products, line, field, code):
    response = Api(agent).post("/api/v1/orders", body(company, sites_of(company)[0], lines=[line]))
    assert response.status_code == 422
    assert errors_of(response)[field] == code
    assert not Order.objects.exists()


def test_a_site_of_another_customer_is_refused(agent, company, products):
    other = customers.organisation(name="Andere AG")
    response = Api(agent).post("/api/v1/orders", body(company, sites_of(other)[0]))
    assert response.status_code == 422 and errors_of(response) == {"site_id": "foreign_site"}


def test_a_site_without_mandate_pays_by_invoice(agent, company, products):
    third = sites_of(company)[2]
    answer = Api(agent).post("/api/v1/orders", body(company, third)).json()
    assert answer["payment"] == {"method": "invoice", "iban_masked": "", "account_holder": "",
                                 "mandate_reference": ""}


def test_a_replayed_request_with_the_same_key_places_one_order(agent, company, products):
    api = Api(agent)
    payload = body(company, sites_of(company)[0])
    first = api.post("/api/v1/orders", payload, headers={"Idempotency-Key": "bestellung-1"})
    again = api.post("/api/v1/orders", payload, headers={"Idempotency-Key": "bestellung-1"})
    assert first.status_code == again.status_code == 201
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1


def test_placing_records_the_event_webhooks_carry_to_fulfilment(agent, company, products):
    answer = Api(agent).post("/api/v1/orders", body(company, sites_of(company)[1])).json()
    event = Event.objects.get(name="order.placed")
    assert event.payload["number"] == answer["number"] and event.payload["site_id"] == sites_of(company)[1].pk
    assert event.payload["lines"][0]["sku"] == "TON-100"


def test_the_erp_acknowledges_ships_and_invoices_forwards_only(agent, company, products):
    api = Api(agent)
    order = api.post("/api/v1/orders", body(company, sites_of(company)[0])).json()
    path = f"/api/v1/orders/{order['id']}/status"
    assert api.post(path, {"status": "shipped"}).status_code == 422  # tracking number missing
    assert api.post(path, {"status": "acknowledged"}).json()["status"] == "acknowledged"
    shipped = api.post(path, {"status": "shipped", "carrier": "DHL", "tracking_number": "00340434161234567890"})
    assert shipped.json()["tracking_number"] == "00340434161234567890"
    backwards = api.post(path, {"status": "acknowledged"})
    assert backwards.status_code == 409
    assert api.post(path, {"status": "invoiced", "invoice_number": "RE-2026-1001"}).json()["status"] == "invoiced"
    assert list(Event.objects.filter(name__startswith="order.").order_by("id").values_list("name", flat=True)) == [
        "order.placed", "order.acknowledged", "order.shipped", "order.invoiced"]


def test_the_export_lists_placed_orders_as_formula_safe_csv(agent, company, products):
    api = Api(agent)
    api.post("/api/v1/orders", body(company, sites_of(company)[0], customer_reference="=HYPERLINK(\"x\")"))
    response = api.query("/api/v1/orders/export.csv")
    text = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "TON-100" in text and "'=HYPERLINK" in text
    assert len(api.query("/api/v1/orders/export").json()) == 1


def test_customer_contacts_see_only_orders_of_their_sites_and_nobody_sees_other_companies(
        agent, company, products, customer_contact):
    first, second, _third = sites_of(company)
    api = Api(agent)
    one = api.post("/api/v1/orders", body(company, first)).json()
    two = api.post("/api/v1/orders", body(company, second)).json()
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=first)
    contact = Api(customer_contact)
    assert [o["number"] for o in contact.get("/api/v1/orders").json()["items"]] == [one["number"]]
    assert contact.get(f"/api/v1/orders/{two['id']}").status_code == 404
    assert contact.post("/api/v1/orders", body(company, first)).status_code == 403  # the API is for staff and the ERP
    assert Api(None).get("/api/v1/orders").status_code == 401
    stranger = customers.organisation(name="Fremd GmbH")
    customer_contact.customer = stranger
    customer_contact.save(update_fields=["customer"])
    assert contact.get(f"/api/v1/orders/{one['id']}").status_code in {403, 404}


def test_one_low_reading_or_a_hundred_create_one_open_replenishment_order(agent, company, products):
    site = sites_of(company)[0]
    printer = Device.objects.create(customer=company, site=site, name="Drucker 2. OG")
    ReplenishmentRule.objects.create(site=site, product=products["toner"], device=printer, threshold=Decimal("15"),
                                     order_quantity=2, mode=ReplenishmentRule.Mode.AUTOMATIC)
    api = Api(agent)
    first = api.post(f"/api/v1/devices/{printer.pk}/readings", {"level": "12.5"})
    assert first.status_code == 202 and first.json()["order"]["lines"][0]["quantity"] == 2
    for _ in range(100):
        assert api.post(f"/api/v1/devices/{printer.pk}/readings", {"level": "11"}).json()["order"] is None
    assert Order.objects.filter(source="replenishment").count() == 1
    order = Order.objects.get()
    assert "Drucker 2. OG" in order.reason and order.status == OrderStatus.PLACED
    assert order.delivery_address.endswith("86150 Augsburg")


def test_a_draft_rule_prepares_an_order_for_the_customer_to_confirm(company, products):
    site = sites_of(company)[0]
    sensor = Device.objects.create(customer=company, site=site, name="Tanksensor")
    ReplenishmentRule.objects.create(site=site, product=products["coffee"], device=sensor, threshold=Decimal("20"),
                                     order_quantity=5, mode=ReplenishmentRule.Mode.DRAFT)
    assert device_reading_record(device=sensor, level=Decimal("30")) is None
    draft = device_reading_record(device=sensor, level=Decimal("10"))
    assert draft is not None and draft.status == OrderStatus.DRAFT
    assert not Event.objects.filter(name="order.placed").exists()


def test_a_new_replenishment_order_only_after_the_open_one_is_done(agent, company, products):
    site = sites_of(company)[0]
    printer = Device.objects.create(customer=company, site=site, name="Drucker")
    ReplenishmentRule.objects.create(site=site, product=products["toner"], device=printer, threshold=Decimal("15"),
                                     order_quantity=1, mode=ReplenishmentRule.Mode.AUTOMATIC)
    first = device_reading_record(device=printer, level=Decimal("5"))
    assert first is not None
    Order.objects.filter(pk=first.pk).update(status=OrderStatus.INVOICED)
    assert device_reading_record(device=printer, level=Decimal("4")) is not None


def test_a_reading_for_an_unknown_device_or_with_nonsense_is_refused(agent):
    api = Api(agent)
    assert api.post("/api/v1/devices/999999/readings", {"level": "10"}).status_code == 404
    assert api.post("/api/v1/devices/999999/readings", {"level": "viel"}).status_code == 422


def test_order_place_in_python_refuses_a_site_the_contact_may_not_order_for(company, products, customer_contact):
    from django.http import Http404

    first, second, _third = sites_of(company)
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=first)
    order_place(actor=customer_contact, site=first, lines=[LineInput("TON-100", 1)])
    with pytest.raises(Http404):
        order_place(actor=customer_contact, site=second, lines=[LineInput("TON-100", 1)])
    assert Order.objects.count() == 1


def test_the_sites_ordering_contacts_are_told_what_was_ordered_and_why(
        company, products, customer_contact, django_capture_on_commit_callbacks, mailoutbox):
    site = sites_of(company)[0]
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=site)
    printer = Device.objects.create(customer=company, site=site, name="Drucker 2. OG")
    ReplenishmentRule.objects.create(site=site, product=products["toner"], device=printer, threshold=Decimal("15"),
                                     order_quantity=2, mode=ReplenishmentRule.Mode.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        draft = device_reading_record(device=printer, level=Decimal("9.5"))
    assert draft is not None
    [mail] = mailoutbox
    assert mail.to == [customer_contact.email]
    assert "Drucker 2. OG" in mail.body and "2 × Toner schwarz" in mail.body and "9.5" in mail.body
    assert draft.site_name in mail.subject


def test_the_erp_receiver_gets_placed_orders_signed_and_a_receiver_that_is_down_is_retried(agent, company, products,
                                                                                         admin_user):
    from kundennah.core import webhooks
    from kundennah.core.models import WebhookDelivery
    from kundennah.core.tasks import webhooks_run_task
    from kundennah.core.tests.test_webhooks import Receiver

    with Receiver() as erp:
        subscription = webhooks.webhook_subscribe(url=erp.url, events=["order.placed"], actor=admin_user)
        erp.statuses = [503]  # down at first
        answer = Api(agent).post("/api/v1/orders", body(company, sites_of(company)[1])).json()
        webhooks_run_task()
        delivery = WebhookDelivery.objects.get()
        assert delivery.status != "delivered" and delivery.next_attempt_at is not None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        webhooks_run_task()
        assert len(erp.requests) == 2
        request = erp.requests[-1]
        assert webhooks.signature_verify(
            secret=subscription.secret, msg_id=request["headers"]["webhook-id"],
            timestamp=request["headers"]["webhook-timestamp"], signature_header=request["headers"]["webhook-signature"],
            body=request["body"]) is None
        data = json.loads(request["body"])["data"]
        assert data["number"] == answer["number"] and data["site_id"] == sites_of(company)[1].pk
        assert WebhookDelivery.objects.get().status == "delivered"
