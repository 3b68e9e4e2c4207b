"""Portal accounts: invitations with rights per site, the first password, and who may invite whom."""

from __future__ import annotations

import re

import pytest

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.models import PortalRight
from kundennah.commerce.tests.factories import sites_of
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(company, customer_contact):
    """A contact at the first site who may manage the users of the organisation."""
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=sites_of(company)[0], can_order=True,
                               can_manage_users=True)
    return customer_contact


def invite(client, url, **fields):
    data = {"first_name": "Lisa", "last_name": "Lager", "email": "lisa@druckerei.example", "site": "all",
            "can_order": "on", **fields}
    return client.post(url, data)


def test_staff_invite_a_contact_who_sets_a_password_and_signs_in(agent, company, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    url = f"/orders/customers/{company.pk}/invite/"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(agent), url, site=str(sites_of(company)[1].pk))
    assert response.status_code == 200 and b"lisa@druckerei.example" in response.content
    contact = User.objects.get(email="lisa@druckerei.example")
    assert contact.role == "customer" and contact.customer == company and not contact.has_usable_password()
    assert list(contact.portal_rights.values_list("site_id", "can_order")) == [(sites_of(company)[1].pk, True)]
    [mail] = mailoutbox
    link = re.search(r"http://\S+/portal/account/invitation/\S+/", mail.body).group(0)
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    browser = client_for(None)
    assert browser.get(path).status_code == 200
    weak = browser.post(path, {"password": "123", "password_again": "123"})
    assert weak.status_code == 422 and not User.objects.get(pk=contact.pk).has_usable_password()
    done = browser.post(path, {"password": "Lager-Passwort-2026", "password_again": "Lager-Passwort-2026"})
    assert done.status_code == 302 and done["Location"] == "/portal/"
    assert browser.get("/portal/orders/").status_code == 200  # signed in
    assert client_for(None).get(path).status_code == 410  # the link is used up


def test_a_wrong_link_changes_nothing(company):
    assert client_for(None).get("/portal/account/invitation/MTIz/abc-def/").status_code == 410
    assert client_for(None).post("/portal/account/invitation/MTIz/abc-def/", {
        "password": "Lager-Passwort-2026", "password_again": "Lager-Passwort-2026"}).status_code == 410


def test_a_user_manager_invites_colleagues_but_never_beyond_their_own_rights(manager, company):
    client = client_for(manager)
    first, second, _third = sites_of(company)
    assert invite(client, "/portal/account/users/", site=str(first.pk)).status_code == 200
    assert User.objects.filter(email="lisa@druckerei.example").exists()
    too_much = invite(client, "/portal/account/users/", email="max@druckerei.example", site=str(second.pk))
    assert too_much.status_code == 422
    all_sites = invite(client, "/portal/account/users/", email="max@druckerei.example", site="all")
    assert all_sites.status_code == 422
    invoices = invite(client, "/portal/account/users/", email="max@druckerei.example", site=str(first.pk),
                      can_see_invoices="on")
    assert invoices.status_code == 422
    assert not User.objects.filter(email="max@druckerei.example").exists()


def test_bad_input_names_the_field_and_creates_nobody(agent, company):
    url = f"/orders/customers/{company.pk}/invite/"
    assert invite(client_for(agent), url, email="keine-adresse").status_code == 422
    other = customers.organisation(name="Andere AG")
    foreign = invite(client_for(agent), url, site=str(sites_of(other)[0].pk))
    assert foreign.status_code == 422
    assert invite(client_for(agent), url, site="999999").status_code == 422
    User.objects.create_user("vorhanden", email="lisa@druckerei.example", password="x" * 20)
    taken = invite(client_for(agent), url)
    assert taken.status_code == 422 and User.objects.filter(email__iexact="lisa@druckerei.example").count() == 1


def test_who_may_open_the_user_pages(manager, company, agent, customer_contact):
    staff_url = f"/orders/customers/{company.pk}/invite/"
    assert client_for(None).get(staff_url).status_code == 302
    assert client_for(manager).get(staff_url).status_code == 403
    assert client_for(agent).get(staff_url).status_code == 200
    assert client_for(None).get("/portal/account/users/").status_code == 302
    assert client_for(agent).get("/portal/account/users/").status_code == 403
    assert client_for(manager).get("/portal/account/users/").status_code == 200
    plain = User.objects.create_user("filiale", email="f@druckerei.example", password="x" * 20,
                                     role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=plain, customer=company, site=None, can_order=True)
    assert client_for(plain).get("/portal/account/users/").status_code == 403
    assert client_for(plain).post("/portal/account/users/", {"email": "x@y.example"}).status_code == 403
