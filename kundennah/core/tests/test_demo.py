"""``kundennah demo``: sets up once, logs in with what it prints, stops its processes together."""

from __future__ import annotations

import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from kundennah.accounts.models import User
from kundennah.commerce.models import Order
from kundennah.core.management.commands.demo import supervise
from kundennah.customers.models import ContactPoint, Customer, Holding, Membership, PersonalNote, Site
from kundennah.timeline.models import Interaction


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Customer, ContactPoint, Site, Membership, Holding, PersonalNote, Interaction, User)}


@pytest.mark.django_db
def test_demo_sets_up_once_and_prints_working_logins(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    first = out.getvalue()
    assert "http://127.0.0.1:8000/" in first
    assert (tmp_path / "static" / "kundennah" / "app.css").exists()
    counts = _counts()
    assert 150 <= counts["Customer"] <= 300
    assert set(Interaction.objects.values_list("channel", flat=True)) == set(Interaction.Channel.values)

    roles = dict(User.objects.filter(username__in=["admin", "teamlead", "agent"]).values_list("username", "role"))
    assert roles == {"admin": "admin", "teamlead": "team_lead", "agent": "agent"}
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.language == "de" and admin.teams.exists()
    for username in roles:
        password = next(line.split()[1] for line in first.splitlines() if line.strip().startswith(username + " "))
        assert Client().login(username=username, password=password), username

    buyer = User.objects.get(username="einkauf")
    assert buyer.role == "customer" and buyer.customer.name == "Bäckerei Sonnenkorn" and not buyer.teams.exists()
    password = next(line.split()[1] for line in first.splitlines() if line.strip().startswith("einkauf "))
    assert Client().login(username="einkauf", password=password)
    orders = Order.objects.filter(customer=buyer.customer)
    assert orders.count() == 5 and orders.filter(status="draft", source="replenishment").count() == 1
    assert len({o.site_id for o in orders}) >= 2  # orders for several sites of the bakery

    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert _counts() == counts
    assert "already there" in again.getvalue()
    assert again.getvalue().split("Sign in")[1] == first.split("Sign in")[1]

    monkeypatch.setenv("DEMO_PASSWORD", "Kundennah-Demo-2026")
    call_command("demo", "--no-serve", stdout=StringIO())
    assert Client().login(username="agent", password="Kundennah-Demo-2026")


@pytest.mark.django_db
def test_the_overdraft_story_shows_the_whole_customer(settings, tmp_path, agent_client, lead_client):
    from kundennah.customers.seeding.demo import demo_load, demo_passwords, demo_users_ensure

    demo_users_ensure(passwords=demo_passwords(stored={}), reset=False)
    demo_load(persons=3, organisations=1)
    hartmann = Customer.objects.get(first_name="Klaus", last_name="Hartmann")
    balances = dict(Holding.objects.filter(customer=hartmann).values_list("name", "balance"))
    assert balances["Girokonto"] < 0 < balances["Tagesgeldkonto"] and sum(balances.values()) > 100_000
    page = agent_client.get(f"/customers/{hartmann.pk}/").content.decode()
    assert "Zahlungserinnerung" in page and "Tagesgeldkonto" in page
    assert "Ehefrau" not in page  # the sensitive note: team leads only
    assert "Ehefrau" in lead_client.get(f"/customers/{hartmann.pk}/").content.decode()
    bakery = Customer.objects.get(name="Bäckerei Sonnenkorn")
    sites = Site.objects.filter(organisation=bakery)
    assert sites.count() == 4
    assert len({(s.invoice_street, s.bank_account.iban) for s in sites}) == 4
    assert all(s.bank_account.has_mandate for s in sites)


def test_supervise_stops_everything_when_one_process_ends():
    started = time.monotonic()
    status = supervise(
        {"quick": [sys.executable, "-c", "import sys; sys.exit(3)"],
         "slow": [sys.executable, "-c", "import time; time.sleep(60)"]},
        env={}, grace=5, write=lambda _text: None,
    )
    assert status == 1
    assert time.monotonic() - started < 10
