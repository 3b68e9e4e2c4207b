"""``kundennah seed``: bulk-written customers look exactly like service-written ones."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command

from kundennah.core.addresses import address_validate
from kundennah.core.banking import bank_details_validate
from kundennah.core.emails import email_normalise
from kundennah.core.phones import phone_display, phone_is_mobile, phone_normalise
from kundennah.customers.models import BankAccount, ContactPoint, Customer, SearchKey, Site
from kundennah.customers.search import search_keys_build
from kundennah.customers.seeding import german_data
from kundennah.customers.seeding.generate import Generator
from kundennah.customers.selectors import customer_search
from kundennah.customers.tests import factories
from kundennah.timeline.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(agent) -> list[Customer]:
    out = StringIO()
    call_command("seed", customers=40, heavy_customers=1, batch_size=15, organisations=0.3, seed=7, stdout=out)
    assert "40 customers" in out.getvalue()
    return list(Customer.objects.order_by("id"))


def numbers(user, query: str) -> list[str]:
    return [hit.customer.number for hit in customer_search(user=user, query=query)]


def test_seeded_customers_are_found_by_phone_email_name_and_iban(agent, seeded):
    phone = ContactPoint.objects.filter(kind="phone", value__startswith="+49").first()
    national = "0" + phone.value.removeprefix("+49")
    for typed in (phone.value, phone_display(phone.value), national):
        assert phone.customer.number in numbers(agent, typed)
    email = ContactPoint.objects.filter(kind="email").first()
    assert email.customer.number in numbers(agent, email.value.upper())
    person = next(c for c in seeded if c.is_person)
    assert person.number in numbers(agent, f"{person.first_name} {person.last_name}")
    account = BankAccount.objects.first()
    assert numbers(agent, account.iban) == [account.customer.number]


def test_seeded_search_keys_are_the_ones_the_services_write(seeded):
    for customer in seeded:
        stored = set(SearchKey.objects.filter(customer=customer).values_list("kind", "key"))
        assert stored == {(str(kind), key) for kind, key in search_keys_build(customer)}, customer


def test_seeded_values_are_normalised_like_typed_ones(seeded):
    for customer in seeded:
        assert customer.display_name == customer.compose_display_name()
    for point in ContactPoint.objects.all():
        if point.kind == "phone":
            assert phone_normalise(point.value) == point.value
            assert (point.label == "mobile") == phone_is_mobile(point.value)
        elif point.kind == "email":
            assert email_normalise(point.value) == point.value
        else:
            address_validate(street=point.street, postal_code=point.postal_code, city=point.city,
                             country=point.country)
    assert {c.kind for c in seeded} == {"person", "organisation"}
    for account in BankAccount.objects.all():
        details = bank_details_validate(iban=account.iban)
        assert (details.iban, details.bic, details.bank_name) == (account.iban, account.bic, account.bank_name)
    assert Site.objects.filter(bank_account__isnull=False).exists()


def test_heavy_customer_has_200_contacts_and_its_360_page_renders(agent_client, seeded):
    heavy = seeded[0]
    assert Interaction.objects.filter(customer=heavy).count() == 200
    organisation = next(c for c in seeded if c.is_organisation)
    for customer in (heavy, organisation):
        response = agent_client.get(f"/customers/{customer.pk}/")
        assert response.status_code == 200
        assert customer.display_name in response.content.decode()


def test_numbers_of_seeded_and_later_created_customers_do_not_collide(agent, seeded):
    later = factories.person(agent, first_name="Erika", last_name="Nachher")
    assert later.number not in {c.number for c in seeded}
    assert int(later.number.removeprefix("K-")) == max(int(c.number.removeprefix("K-")) for c in seeded) + 1


def test_a_second_run_adds_new_people_instead_of_copies(agent, seeded):
    call_command("seed", customers=10, heavy_customers=0, seed=7, stdout=StringIO())
    names = list(Customer.objects.values_list("display_name", flat=True))
    assert len(names) == 50
    assert len(set(names[40:]) & set(names[:10])) < 5


def test_the_generator_is_deterministic():
    first, second = Generator(random.Random(5)), Generator(random.Random(5))
    assert first.person() == second.person()
    assert first.organisation() == second.organisation()


def test_phone_kind_matches_what_phonenumbers_says():
    gen = Generator(random.Random(11))
    for city in german_data.CITIES:
        for mobile in (True, False):
            phone = gen.phone(city, mobile=mobile)
            assert phone_is_mobile(phone.e164) == mobile, phone


def test_every_city_postcode_is_valid_for_its_country():
    for city in german_data.CITIES:
        for postcode in city.postcodes:
            address = address_validate(street="Hauptstraße 1", postal_code=postcode, city=city.name,
                                       country=city.country)
            assert address.postal_code == postcode


def test_every_bank_code_gives_valid_ibans_with_bic_and_name():
    gen = Generator(random.Random(3))
    for country, codes in german_data.BANK_CODES.items():
        for code in codes:
            details = bank_details_validate(iban=gen.bank(country, bank_code=code).iban)
            assert details.bic and details.bank_name, (country, code)


def test_several_words_match_the_same_with_sets_or_probes(agent, seeded, monkeypatch):
    from kundennah.customers import search

    people = [c for c in seeded if c.is_person and c.contact_points.filter(kind="postal").exists()][:8]
    postcodes = {p.pk: p.contact_points.get(kind="postal").postal_code for p in people}
    queries = {p.number: [f"{p.first_name} {p.last_name}", f"{p.last_name[:3]} {p.first_name}",
                          f"{p.first_name} {p.last_name} {postcodes[p.pk]}"] for p in people}
    answers = []
    # Default: every word a set; 2: common words dense (probed), rare ones sets; 1: all probed.
    for dense in (search.DENSE_ROWS, 2, 1):
        monkeypatch.setattr(search, "DENSE_ROWS", dense)
        answers.append({q: numbers(agent, q) for qs in queries.values() for q in qs})
    assert answers[0] == answers[1] == answers[2]
    for number, typed in queries.items():
        for query in typed:
            assert number in answers[0][query], query
