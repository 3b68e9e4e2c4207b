"""Staff reach the portal contacts from the customer record and change a contact's rights with the
service user managers use; portal users find "My account" in the navigation."""

from __future__ import annotations

import pytest

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.models import PortalRight
from kundennah.commerce.tests.factories import sites_of
from kundennah.core.models import Event
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain(company):
    user = User.objects.create_user("filiale", email="filiale@druckerei.example", password="x" * 20,
                                    role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=user, customer=company, site=sites_of(company)[0], can_order=True)
    return user


@pytest.fixture
def manager(company, customer_contact):
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=None, can_order=True,
                               can_manage_users=True)
    return customer_contact


def rights_form(**rows: list[str]) -> dict[str, str]:
    return {f"right_{key}_{flag}": "on" for key, flags in rows.items() for flag in flags}


def test_the_customer_page_links_to_the_portal_invitation(company, agent):
    page = client_for(agent).get(f"/customers/{company.pk}/").content.decode()
    assert f"/orders/customers/{company.pk}/invite/" in page


def test_the_invite_page_lists_each_contact_with_rights_and_a_link_to_change_them(company, plain, agent):
    page = client_for(agent).get(f"/orders/customers/{company.pk}/invite/").content.decode()
    assert "filiale@druckerei.example" in page and sites_of(company)[0].name in page
    assert f"/orders/customers/{company.pk}/contacts/{plain.pk}/rights/" in page


def test_staff_change_a_contacts_rights(company, plain, agent):
    first, second, _third = sites_of(company)
    url = f"/orders/customers/{company.pk}/contacts/{plain.pk}/rights/"
    page = client_for(agent).get(url)
    assert page.status_code == 200 and b"filiale@druckerei.example" in page.content
    saved = client_for(agent).post(url, rights_form(**{
        str(second.pk): ["access", "can_order", "can_see_invoices"], "all": ["access"]}))
    assert saved.status_code == 302 and saved["Location"] == f"/orders/customers/{company.pk}/invite/"
    rights = {right.site_id: right for right in PortalRight.objects.filter(user=plain)}
    assert set(rights) == {second.pk, None}
    assert rights[second.pk].can_see_invoices and not rights[None].can_order
    assert first.pk not in rights
    assert Event.objects.filter(name="customer.portal_rights_changed", payload__user_id=plain.pk).exists()


def test_no_rights_at_all_is_refused_at_the_form(company, plain, agent):
    url = f"/orders/customers/{company.pk}/contacts/{plain.pk}/rights/"
    response = client_for(agent).post(url, {"csrfmiddlewaretoken": "x"})  # nothing ticked
    assert response.status_code == 400
    assert PortalRight.objects.filter(user=plain).count() == 1


def test_who_may_open_the_staff_rights_page(company, plain, manager, agent, team_lead):
    url = f"/orders/customers/{company.pk}/contacts/{plain.pk}/rights/"
    assert client_for(None).get(url).status_code == 302
    for user in (manager, plain):
        assert client_for(user).get(url).status_code == 403, user
        assert client_for(user).post(url, rights_form(all=["access"])).status_code == 403, user
    assert client_for(team_lead).get(url).status_code == 200
    # A contact of another customer, or staff, is not a contact of this customer.
    other = customers.organisation(name="Andere AG")
    stranger = User.objects.create_user("fremd", email="fremd@andere.example", password="x" * 20,
                                        role=User.Role.CUSTOMER, customer=other)
    assert client_for(agent).get(f"/orders/customers/{company.pk}/contacts/{stranger.pk}/rights/").status_code == 404
    assert client_for(agent).get(f"/orders/customers/{company.pk}/contacts/{agent.pk}/rights/").status_code == 404
    assert client_for(agent).get(f"/orders/customers/999999/contacts/{plain.pk}/rights/").status_code == 404
    assert list(PortalRight.objects.filter(user=plain).values_list("site_id", flat=True)) == [sites_of(company)[0].pk]


def test_the_portal_navigation_offers_my_account(company, plain):
    page = client_for(plain).get("/portal/orders/").content.decode()
    assert 'href="/portal/account/"' in page
    assert 'href="/portal/account/"' not in client_for(None).get("/contact/").content.decode()
