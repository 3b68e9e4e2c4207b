"""The customer record's rules, exercised through the services every interface uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kundennah.core.errors import ConflictError, DomainValidationError
from kundennah.core.models import Event
from kundennah.customers import services
from kundennah.customers.inputs import (
    AddressInput,
    BankAccountInput,
    ContactPointInput,
    CustomerInput,
    HoldingInput,
    ProfileInput,
    SiteInput,
)
from kundennah.customers.models import (
    BankAccount,
    ContactPoint,
    Customer,
    Holding,
    SearchKey,
    Site,
)
from kundennah.customers.selectors import consents_current
from kundennah.customers.tests import factories

pytestmark = pytest.mark.django_db


def fields_of(exc: pytest.ExceptionInfo[DomainValidationError]) -> dict[str, str]:
    return {e.field: e.code for e in exc.value.errors}


def test_person_gets_the_next_customer_number_and_normalised_contact_points(agent):
    customer = services.customer_create(actor=agent, data=CustomerInput(
        profile=ProfileInput(kind="person", first_name="Jürgen", last_name="Weiß"),
        emails=["Juergen.Weiss@Example.DE"], phones=["0171 2345678", "(030) 123 45 67"],
    ))
    assert customer.number.startswith("K-")
    assert customer.display_name == "Jürgen Weiß"
    points = {(p.kind, p.value, p.is_primary) for p in customer.contact_points.all()}
    assert ("email", "Juergen.Weiss@example.de", True) in points
    assert ("phone", "+491712345678", True) in points
    assert ("phone", "+49301234567", False) in points


def test_second_customer_gets_a_higher_number(agent):
    first = factories.person(agent)
    second = factories.person(agent, first_name="Erika", last_name="Mustermann")
    assert int(second.number[2:]) == int(first.number[2:]) + 1


def test_organisation_created_with_two_sites_keeps_each_sites_own_addresses_and_account(agent):
    org = factories.organisation(agent, sites=[
        factories.site_input("Filiale Mitte", postal_code="10115", city="Berlin", iban=factories.IBAN_COMMERZBANK),
        factories.site_input("Filiale Süd", postal_code="80331", city="München", iban=factories.IBAN_SPARKASSE,
                             invoice_address=AddressInput(street="Postfach 12 34", postal_code="80001",
                                                          city="München")),
    ])
    mitte, sued = Site.objects.filter(organisation=org).order_by("name")
    assert (mitte.delivery_city, mitte.bank_account.iban) == ("Berlin", factories.IBAN_COMMERZBANK)
    assert (sued.delivery_city, sued.bank_account.iban) == ("München", factories.IBAN_SPARKASSE)
    assert not mitte.has_own_invoice_address and mitte.invoice_address == mitte.delivery_address
    assert sued.invoice_address.street == "Postfach 12 34"
    assert sued.bank_account.bank_name  # looked up in the bank register by schwifty
    assert mitte.delivery_recipient == org.display_name


def test_every_invalid_field_is_reported_at_its_path_and_nothing_is_written(agent):
    with pytest.raises(DomainValidationError) as exc:
        services.customer_create(actor=agent, data=CustomerInput(
            profile=ProfileInput(kind="organisation", name="", vat_id="DE000"),
            emails=["kein-at-zeichen"], phones=["12"],
            sites=[
                factories.site_input("Gut"),
                SiteInput(name="Schlecht", delivery_address=AddressInput(street="Weg 1", postal_code="1234",
                                                                          city="Köln"),
                          bank_account=BankAccountInput(iban="DE89 3704 0044 0532 0130 01")),
                SiteInput(name="Ausland", delivery_address=AddressInput(street="x", postal_code="1", city="y",
                                                                         country="XX")),
            ],
        ))
    assert fields_of(exc) == {
        "name": "required",
        "vat_id": "invalid_vat_id",
        "emails[0]": "invalid_email",
        "phones[0]": "invalid_phone",
        "sites[1].delivery_address.postal_code": "invalid_postal_code",
        "sites[1].iban": "invalid_iban",
        "sites[2].delivery_address.country": "unknown_country",
    }
    assert Customer.objects.count() == 0
    assert Site.objects.count() == 0 and BankAccount.objects.count() == 0


def test_austrian_and_swiss_postcodes_are_checked_by_their_own_rules(agent):
    ok = AddressInput(street="Ring 1", postal_code="1010", city="Wien", country="AT")
    factories.organisation(agent, sites=[SiteInput(name="Wien", delivery_address=ok)])
    with pytest.raises(DomainValidationError) as exc:
        factories.organisation(agent, name="Zürich AG", sites=[SiteInput(
            name="Zürich", delivery_address=AddressInput(street="Bahnhofstr. 1", postal_code="80011",
                                                        city="Zürich", country="CH"))])
    assert fields_of(exc) == {"sites[0].delivery_address.postal_code": "invalid_postal_code"}


def test_duplicate_customer_number_is_rejected(agent):
    factories.person(agent, number="ERP-4711")
    with pytest.raises(DomainValidationError) as exc:
        factories.person(agent, first_name="Zweite", number="ERP-4711")
    assert fields_of(exc) == {"number": "duplicate_number"}
    assert Customer.objects.count() == 1


def test_sites_belong_to_organisations_only(agent):
    with pytest.raises(DomainValidationError) as exc:
        services.customer_create(actor=agent, data=CustomerInput(
            profile=ProfileInput(kind="person", last_name="Meier"), sites=[factories.site_input()]))
    assert fields_of(exc) == {"sites": "sites_only_for_organisations"}


def test_a_person_cannot_become_an_organisation(agent):
    customer = factories.person(agent)
    with pytest.raises(DomainValidationError) as exc:
        services.customer_update(actor=agent, customer=customer, changes={"kind": "organisation"})
    assert fields_of(exc) == {"kind": "immutable"}


def test_concurrent_edits_do_not_overwrite_each_other(agent, team_lead):
    customer = factories.person(agent)
    first_view = Customer.objects.get(pk=customer.pk)
    second_view = Customer.objects.get(pk=customer.pk)
    services.customer_update(actor=agent, customer=first_view, changes={"title": "Dr."},
                             expected_version=first_view.version)
    with pytest.raises(ConflictError):
        services.customer_update(actor=team_lead, customer=second_view, changes={"first_name": "Klaus"},
                                 expected_version=second_view.version)
    customer.refresh_from_db()
    assert (customer.title, customer.first_name) == ("Dr.", "Hans")


def test_profile_change_is_audited_with_who_before_and_after(agent):
    customer = factories.person(agent)
    services.customer_update(actor=agent, customer=customer, changes={"last_name": "Schmidt"})
    latest = customer.history.first()
    assert latest.history_user == agent
    assert latest.last_name == "Schmidt"
    assert latest.prev_record.last_name == "Müller"
    event = Event.objects.filter(name="customer.updated").get()
    assert event.payload["before"] == {"last_name": "Müller"}
    assert event.payload["after"] == {"last_name": "Schmidt"}


def test_renamed_customer_is_found_by_the_new_name_only(agent):
    customer = factories.person(agent)
    services.customer_update(actor=agent, customer=customer, changes={"last_name": "Schmidt"})
    keys = set(SearchKey.objects.filter(customer=customer, kind="n").values_list("key", flat=True))
    assert "schmidt" in keys
    assert "mueller" not in keys


def test_new_primary_email_demotes_the_old_one(agent):
    customer = factories.person(agent)
    services.contact_point_add(actor=agent, customer=customer,
                               data=ContactPointInput(kind="email", value="neu@example.de", is_primary=True))
    primaries = ContactPoint.objects.filter(customer=customer, kind="email", is_primary=True)
    assert list(primaries.values_list("value", flat=True)) == ["neu@example.de"]


def test_removing_the_primary_phone_promotes_the_next_one(agent):
    customer = factories.person(agent, phones=["030 1234567", "0171 2345678"])
    primary = ContactPoint.objects.get(customer=customer, kind="phone", is_primary=True)
    services.contact_point_remove(actor=agent, contact_point=primary)
    remaining = ContactPoint.objects.get(customer=customer, kind="phone")
    assert remaining.is_primary and remaining.value == "+491712345678"


def test_same_phone_twice_for_one_customer_is_rejected_in_any_format(agent):
    customer = factories.person(agent, phones=["030 1234567"])
    with pytest.raises(DomainValidationError) as exc:
        services.contact_point_add(actor=agent, customer=customer,
                                   data=ContactPointInput(kind="phone", value="+49 (30) 123 45 67"))
    assert fields_of(exc) == {"value": "duplicate_contact_point"}


def test_postal_address_contact_point_is_validated(agent):
    customer = factories.person(agent)
    with pytest.raises(DomainValidationError) as exc:
        services.contact_point_add(actor=agent, customer=customer, data=ContactPointInput(
            kind="postal", address=AddressInput(street="", postal_code="ABC", city="Hamburg")))
    assert fields_of(exc) == {"address.street": "required", "address.postal_code": "invalid_postal_code"}


def test_changed_email_is_no_longer_verified(agent):
    customer = factories.person(agent)
    point = ContactPoint.objects.get(customer=customer, kind="email")
    ContactPoint.objects.filter(pk=point.pk).update(is_verified=True)
    point.refresh_from_db()
    services.contact_point_update(actor=agent, contact_point=point,
                                  data=ContactPointInput(kind="email", value="anders@example.de"))
    point.refresh_from_db()
    assert (point.value, point.is_verified) == ("anders@example.de", False)


def test_site_with_signed_mandate_needs_its_reference(agent):
    org = factories.organisation(agent, sites=[])
    with pytest.raises(DomainValidationError) as exc:
        services.site_add(actor=agent, organisation=org, data=SiteInput(
            name="Lager", delivery_address=AddressInput(street="Am Hafen 2", postal_code="20457", city="Hamburg"),
            bank_account=BankAccountInput(iban=factories.IBAN_POSTBANK, mandate_signed_on=dt.date(2024, 1, 2))))
    assert fields_of(exc) == {"mandate_reference": "required"}


def test_second_site_with_the_same_iban_shares_the_account(agent):
    org = factories.organisation(agent, sites=[factories.site_input("A")])
    services.site_add(actor=agent, organisation=org, data=factories.site_input("B"))
    assert BankAccount.objects.filter(customer=org).count() == 1
    assert Site.objects.filter(organisation=org, bank_account__isnull=False).count() == 2


def test_site_codes_are_unique_per_organisation(agent):
    org = factories.organisation(agent, sites=[factories.site_input("A", code="F01")])
    with pytest.raises(DomainValidationError) as exc:
        services.site_add(actor=agent, organisation=org, data=factories.site_input("B", code="F01"))
    assert fields_of(exc) == {"code": "duplicate_site_code"}
    other = factories.organisation(agent, name="Andere GmbH", sites=[])
    services.site_add(actor=agent, organisation=other, data=factories.site_input("B", code="F01"))


def test_site_update_with_blank_iban_keeps_the_account(agent):
    org = factories.organisation(agent)
    site = factories.first_site(org)
    data = factories.site_input("Umbenannt", iban="")
    services.site_update(actor=agent, site=site, data=data, expected_version=site.version)
    site.refresh_from_db()
    assert site.name == "Umbenannt"
    assert site.bank_account.iban == factories.IBAN_COMMERZBANK


def test_holding_keeps_money_as_decimal(agent):
    customer = factories.person(agent)
    holding = services.holding_add(actor=agent, customer=customer, data=HoldingInput(
        kind="account", name="Girokonto", balance=Decimal("-0.10"), key_figures={"Dispo": "2.000 EUR"}))
    holding.refresh_from_db()
    assert holding.balance == Decimal("-0.10")
    assert holding.key_figures == {"Dispo": "2.000 EUR"}


def test_holding_cannot_end_before_it_starts_or_sit_at_a_foreign_site(agent):
    customer = factories.person(agent)
    foreign = factories.first_site(factories.organisation(agent))
    with pytest.raises(DomainValidationError) as exc:
        services.holding_add(actor=agent, customer=customer, data=HoldingInput(
            kind="contract", name="Wartung", started_on=dt.date(2025, 1, 1), ends_on=dt.date(2024, 1, 1),
            site_id=foreign.pk))
    assert fields_of(exc) == {"ends_on": "before_start", "site_id": "foreign_site"}
    assert Holding.objects.count() == 0


def test_withdrawn_consent_wins_and_the_earlier_decision_stays_as_proof(agent):
    customer = factories.person(agent)
    services.consent_record(actor=agent, customer=customer, channel="email", purpose="newsletter", granted=True,
                            source="webform", recorded_at=timezone.now() - dt.timedelta(days=30))
    services.consent_record(actor=agent, customer=customer, channel="email", purpose="newsletter", granted=False,
                            source="phone", source_detail="Anruf bei der Hotline")
    log = list(customer.consents.all())
    assert len(log) == 2
    (current,) = consents_current(log)
    assert current.granted is False and current.source == "phone"


def test_consent_cannot_be_recorded_for_the_future(agent):
    customer = factories.person(agent)
    with pytest.raises(DomainValidationError) as exc:
        services.consent_record(actor=agent, customer=customer, channel="email", purpose="marketing",
                                granted=True, source="api", recorded_at=timezone.now() + dt.timedelta(days=1))
    assert fields_of(exc) == {"recorded_at": "in_future"}


def test_agent_cannot_edit_someone_elses_note_but_the_team_lead_can(agent, other_team_agent, team_lead):
    customer = factories.person(agent)
    note = services.note_add(actor=agent, customer=customer, text="Ruft gern abends an.")
    with pytest.raises(PermissionDenied):
        services.note_update(actor=other_team_agent, note=note, text="geändert", is_sensitive=False)
    services.note_update(actor=team_lead, note=note, text="Ruft gern abends an, ab 18 Uhr.", is_sensitive=False)
    note.refresh_from_db()
    assert note.text.endswith("18 Uhr.")


def test_person_linked_to_organisation_with_role_and_site(agent):
    org = factories.organisation(agent)
    person = factories.person(agent)
    membership = services.membership_add(actor=agent, person=person, organisation=org, role="Einkauf",
                                         site=factories.first_site(org), is_main_contact=True)
    assert membership.site.organisation == org
    with pytest.raises(DomainValidationError) as exc:
        services.membership_add(actor=agent, person=person, organisation=org, role="Einkauf",
                                site=factories.first_site(org))
    assert fields_of(exc) == {"person": "duplicate_membership"}
    with pytest.raises(DomainValidationError):
        services.membership_add(actor=agent, person=org, organisation=person)
