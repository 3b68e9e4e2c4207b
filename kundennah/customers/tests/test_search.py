"""One search box finds a customer however the agent types what they know."""

from __future__ import annotations

import pytest

from kundennah.customers import services
from kundennah.customers.inputs import ContactPointInput
from kundennah.customers.selectors import customer_search
from kundennah.customers.tests import factories

pytestmark = pytest.mark.django_db


def numbers(user, query: str) -> list[str]:
    return [hit.customer.number for hit in customer_search(user=user, query=query)]


@pytest.fixture
def hans(agent):
    return factories.person(agent, first_name="Hans", last_name="Müller", emails=["hans.mueller@example.de"],
                            phones=["030 1234567"])


@pytest.mark.parametrize("typed", ["030 1234567", "+49 30 1234567", "0049301234567", "030/123 45 67",
                                   "+49 (0)30 1234567"])
def test_phone_in_any_format_finds_the_customer(agent, hans, typed):
    assert numbers(agent, typed) == [hans.number]


@pytest.mark.parametrize("typed", ["Müller", "Mueller", "MÜLLER", "muller", "Hans Müller", "müller hans", "Mül"])
def test_name_with_or_without_umlauts_finds_the_customer(agent, hans, typed):
    assert hans.number in numbers(agent, typed)


def test_all_words_of_a_name_must_match(agent, hans):
    factories.person(agent, first_name="Erika", last_name="Müller", emails=[], phones=[])
    assert numbers(agent, "Hans Müller") == [hans.number]
    assert len(numbers(agent, "Müller")) == 2


def test_email_is_found_case_insensitively_and_by_prefix(agent, hans):
    assert numbers(agent, "Hans.Mueller@Example.de") == [hans.number]
    assert numbers(agent, "hans.mueller@") == [hans.number]


def test_customer_number_with_or_without_prefix(agent, hans):
    assert numbers(agent, hans.number) == [hans.number]
    assert numbers(agent, hans.number.removeprefix("K-")) == [hans.number]


def test_postcode_of_an_address_or_a_site_finds_the_customer(agent, hans):
    org = factories.organisation(agent, sites=[factories.site_input("Werk", postal_code="86150", city="Augsburg")])
    assert numbers(agent, "10115") == [hans.number]
    assert numbers(agent, "86150") == [org.number]


def test_site_name_finds_its_organisation(agent):
    org = factories.organisation(agent, name="Bäckerei Sonnenschein",
                                 sites=[factories.site_input("Filiale Schwabing", postal_code="80331",
                                                             city="München")])
    assert numbers(agent, "Schwabing") == [org.number]


def test_iban_is_found_and_shown_masked(agent):
    org = factories.organisation(agent)
    (hit,) = customer_search(user=agent, query="DE89 3704 0044 0532 0130 00")
    assert hit.customer == org
    assert hit.detail == "DE89 **** **** **** **30 00"
    assert factories.IBAN_COMMERZBANK not in hit.detail.replace(" ", "")


def test_new_contact_point_is_searchable_at_once(agent, hans):
    services.contact_point_add(actor=agent, customer=hans, data=ContactPointInput(kind="phone", value="0171 9876543"))
    assert numbers(agent, "+49 171 9876543") == [hans.number]


def test_nothing_is_found_for_gibberish_or_empty_input(agent, hans):
    assert numbers(agent, "") == []
    assert numbers(agent, "   ") == []
    assert numbers(agent, "zzzzqqq") == []
    assert numbers(agent, "%_*") == []


def test_short_prefix_reads_at_most_the_limit(agent, hans, django_assert_max_num_queries):
    for i in range(30):
        factories.person(agent, first_name=f"Max{i}", last_name="Mustermann", emails=[], phones=[])
    with django_assert_max_num_queries(8):
        hits = customer_search(user=agent, query="mu", limit=10)
    assert len(hits) == 10


def test_customer_contacts_cannot_search(customer_contact, hans):
    from django.http import Http404

    with pytest.raises(Http404):
        customer_search(user=customer_contact, query="Müller")
