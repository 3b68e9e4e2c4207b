"""Load on ordering: ``POST /api/v1/orders`` and device readings through gunicorn on PostgreSQL.

Sets up the database named by ``DATABASE_URL`` (migrates it; creates an ERP user with a token, a
company with ``--sites`` sites, each with its own IBAN and SEPA mandate, a catalogue of 50
products and ``--devices`` printers with a replenishment rule each), starts gunicorn and drives

1. ``orders``: ``POST /api/v1/orders`` (a random site, 1–5 lines) for ``--duration`` seconds;
2. ``readings``: ``POST /api/v1/devices/{id}/readings`` with levels below the threshold, spread
   over the devices, for ``--duration`` seconds — then checks that every device has exactly one
   open replenishment order.

Usage::

    createdb -h 127.0.0.1 -U postgres kn_bench_orders
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kn_bench_orders \\
        .venv/bin/python benchmarks/order_api_load.py --workers 4 --clients 8 --duration 60

Every run adds orders; use a database of its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PRODUCTS = 50


def order_body(n: int, data: dict[str, Any]) -> bytes:
    rng = random.Random(n)
    lines = [{"sku": f"BENCH-{i:03d}", "quantity": rng.randint(1, 20)} for i in rng.sample(range(PRODUCTS),
                                                                                      rng.randint(1, 5))]
    return json.dumps({"customer_id": data["customer_id"], "site_id": rng.choice(data["site_ids"]),
                       "lines": lines, "customer_reference": f"PO-{n}"}).encode()


def reading_body(n: int, data: dict[str, Any]) -> bytes:
    return json.dumps({"level": f"{(n % 900) / 100 + 1:.2f}"}).encode()  # 1.00 … 9.99, below 15


def _setup(sites: int, devices: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", interactive=False, verbosity=0)
    from kundennah.accounts.models import User
    from kundennah.accounts.tokens import api_token_create
    from kundennah.commerce.models import Device, Product, ReplenishmentRule
    from kundennah.customers.models import BankAccount, Customer, Site
    from kundennah.customers.tests import factories

    user = User.objects.filter(username="bench_erp").first() or User.objects.create_user(
        username="bench_erp", email="erp@kundennah.example", password="x" * 24, role=User.Role.AGENT)
    _token, raw = api_token_create(user=user, name="order load benchmark")
    company = Customer.objects.filter(display_name="Bench Handels GmbH").first()
    if company is None:
        company = factories.organisation(name="Bench Handels GmbH", sites=[
            factories.site_input(f"Standort {i:02d}", postal_code=f"{10115 + i}", city="Berlin",
                                 iban="DE89370400440532013000") for i in range(sites)])
        BankAccount.objects.filter(customer=company).update(mandate_signed_on=dt.date(2026, 1, 2))
    for i in range(PRODUCTS):
        Product.objects.get_or_create(sku=f"BENCH-{i:03d}", defaults={
            "name": f"Artikel {i}", "list_price": Decimal("9.90") + i, "vat_rate": Decimal("19.00")})
    site_ids = list(Site.objects.filter(organisation=company).values_list("id", flat=True))
    device_ids = []
    for i in range(devices):
        device, created = Device.objects.get_or_create(customer=company, site_id=site_ids[i % len(site_ids)],
                                                       name=f"Drucker {i:03d}")
        if created:
            ReplenishmentRule.objects.create(site_id=device.site_id, product=Product.objects.get(sku="BENCH-000"),
                                             device=device, threshold=Decimal("15"), order_quantity=2,
                                             mode=ReplenishmentRule.Mode.AUTOMATIC)
        device_ids.append(device.pk)
    connections.close_all()
    return {"token": raw, "customer_id": company.pk, "site_ids": site_ids, "device_ids": device_ids}


def _open_orders_per_device(device_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    from kundennah.commerce.models import OPEN_ORDER_STATES, Order

    counts = dict(
        Order.objects.filter(replenishment_rule__device_id__in=device_ids, status__in=OPEN_ORDER_STATES)
        .values_list("replenishment_rule__device_id").annotate(n=Count("id"))
    )
    return {device: counts.get(device, 0) for device in device_ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--only", choices=["orders", "readings"], default=None)
    parser.add_argument("--idempotency", action="store_true")
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database of its own (see --help).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kundennah.settings")
    os.environ.setdefault("KUNDENNAH_DATA_DIR", tempfile.mkdtemp(prefix="kn-bench-orders-"))
    (Path(os.environ["KUNDENNAH_DATA_DIR"]) / "static").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("HUEY_IMMEDIATE", "0")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import loadgen

    data = _setup(options.sites, options.devices)
    server = loadgen.gunicorn_start(options.workers, options.port)
    try:
        if options.only in (None, "orders"):
            figures = loadgen.run(port=options.port, token=data["token"], path="/api/v1/orders",
                                  body_of="order_api_load.order_body", clients=options.clients,
                                  duration=options.duration, warmup=options.warmup, idempotency=options.idempotency,
                                  expected=201, context=data)
            loadgen.report(f"POST /api/v1/orders: {options.workers} workers, {options.clients} clients, "
                           f"{options.duration:g} s", figures)
        if options.only in (None, "readings"):
            figures = loadgen.run(port=options.port, token=data["token"],
                                  path="/api/v1/devices/{device_id}/readings", body_of="order_api_load.reading_body",
                                  clients=options.clients, duration=options.duration, warmup=options.warmup,
                                  idempotency=False, expected=202, context=data)
            loadgen.report(f"POST /api/v1/devices/{{id}}/readings: {options.workers} workers, {options.clients} "
                           f"clients, {options.duration:g} s ({figures['requests_per_s'] * 60:.0f} per minute)",
                           figures)
            per_device = _open_orders_per_device(data["device_ids"])
            exactly_one = sum(1 for count in per_device.values() if count == 1)
            print(f"  devices below threshold {len(per_device)}; with exactly one open replenishment order: "
                  f"{exactly_one}; with more: {sum(1 for c in per_device.values() if c > 1)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
