"""Portal accounts: invitations with rights per site, the first password, who may manage whom,
and who may open which page."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied

from conftest import client_for
from kundennah.accounts.models import User
from kundennah.commerce.models import PortalRight
from kundennah.commerce.portal_users import (
    RightInput,
    contact_deactivate,
    contact_invite,
    invitation_accept,
    invitation_link,
    rights_set,
)
from kundennah.commerce.tests.factories import sites_of
from kundennah.core.errors import DomainValidationError
from kundennah.core.models import Event
from kundennah.customers.tests import factories as customers

pytestmark = pytest.mark.django_db

PASSWORD = "Lager-Passwort-2026"


@pytest.fixture
def manager(company, customer_contact):
    """A contact of the company who holds the first site and may manage users there."""
    customer_contact.customer = company
    customer_contact.save(update_fields=["customer"])
    PortalRight.objects.create(user=customer_contact, customer=company, site=sites_of(company)[0], can_order=True,
                               can_manage_users=True)
    return customer_contact


@pytest.fixture
def plain(company):
    """A contact who orders for every site but may not manage users."""
    user = User.objects.create_user("filiale", email="filiale@druckerei.example", password="x" * 20,
                                    role=User.Role.CUSTOMER, customer=company)
    PortalRight.objects.create(user=user, customer=company, site=None, can_order=True)
    return user


@pytest.fixture
def stranger(db):
    """A contact of another customer who may manage the users of their own organisation."""
    other = customers.organisation(name="Andere AG")
    user = User.objects.create_user("fremd", email="fremd@andere.example", password="x" * 20,
                                    role=User.Role.CUSTOMER, customer=other)
    PortalRight.objects.create(user=user, customer=other, site=None, can_order=True, can_manage_users=True)
    return user


def invite_form(site_keys: list[str], **fields: str) -> dict[str, str]:
    data = {"invite-first_name": "Lisa", "invite-last_name": "Lager", "invite-email": "lisa@druckerei.example",
            "invite-language": "de"}
    for key in site_keys:
        data[f"invite-right_{key}_access"] = "on"
        data[f"invite-right_{key}_can_order"] = "on"
    return {**data, **fields}


def link_path(body: str) -> str:
    link = re.search(r"https?://\S+/portal/account/invitation/\S+/", body).group(0)
    return "/" + link.split("/", 3)[3]


# --- The invitation, end to end ---------------------------------------------------------------


def test_staff_invite_a_contact_who_sets_a_password_and_lands_in_the_portal(
        agent, company, mailoutbox, django_capture_on_commit_callbacks):
    second = sites_of(company)[1]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).post(f"/orders/customers/{company.pk}/invite/", invite_form([str(second.pk)]))
    assert response.status_code == 302
    contact = User.objects.get(email="lisa@druckerei.example")
    assert contact.role == User.Role.CUSTOMER and contact.customer == company and contact.is_active
    assert not contact.has_usable_password()
    assert list(contact.portal_rights.values_list("site_id", "can_order", "can_manage_users")) == [
        (second.pk, True, False)]

    [mail] = mailoutbox
    assert mail.to == ["lisa@druckerei.example"] and "Druckerei Beispiel" in mail.body
    html, mime = mail.alternatives[0]
    assert mime == "text/html"
    path = link_path(mail.body)
    assert path in html

    visitor = client_for(None)
    page = visitor.get(path)
    assert page.status_code == 200 and b"lisa@druckerei.example" in page.content
    weak = visitor.post(path, {"password": "123", "password_again": "123"})
    assert weak.status_code == 400 and b"is-invalid" in weak.content
    differ = visitor.post(path, {"password": PASSWORD, "password_again": PASSWORD + "x"})
    assert differ.status_code == 400
    assert not User.objects.get(pk=contact.pk).has_usable_password()

    done = visitor.post(path, {"password": PASSWORD, "password_again": PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/portal/"
    assert visitor.get("/portal/").status_code == 200  # signed in
    assert Event.objects.filter(name="customer.portal_user_joined", aggregate_id=str(company.pk)).exists()
    assert client_for(None).login(username="lisa@druckerei.example", password=PASSWORD)

    used = client_for(None).get(path)
    assert used.status_code == 410 and b"Link" in used.content
    again = client_for(None).post(path, {"password": "Anderes-Passwort-99", "password_again": "Anderes-Passwort-99"})
    assert again.status_code == 410
    assert client_for(None).login(username="lisa@druckerei.example", password=PASSWORD)


def test_an_expired_invitation_link_is_refused_and_changes_nothing(agent, company, settings):
    contact = contact_invite(actor=agent, customer=company, email="spaet@druckerei.example", first_name="",
                             last_name="Spät", rights=[RightInput(site=None)])
    path = link_path(invitation_link(contact))
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link is older than that
    assert client_for(None).get(path).status_code == 410
    assert client_for(None).post(path, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 410
    assert not User.objects.get(pk=contact.pk).has_usable_password()


def test_a_wrong_link_changes_nothing(company):
    for path in ("/portal/account/invitation/MTIz/abc-def/", "/portal/account/invitation/%%%/x/"):
        assert client_for(None).get(path).status_code == 410
        assert client_for(None).post(path, {"password": PASSWORD, "password_again": PASSWORD}).status_code == 410


def test_the_link_of_one_contact_does_not_open_another(agent, company):
    first = contact_invite(actor=agent, customer=company, email="eins@druckerei.example", first_name="",
                           last_name="Eins", rights=[RightInput(site=None)])
    second = contact_invite(actor=agent, customer=company, email="zwei@druckerei.example", first_name="",
                            last_name="Zwei", rights=[RightInput(site=None)])
    uid_first = link_path(invitation_link(first)).split("/")[4]
    token_second = link_path(invitation_link(second)).split("/")[5]
    assert client_for(None).get(f"/portal/account/invitation/{uid_first}/{token_second}/").status_code == 410


def test_password_rules_are_djangos_and_name_the_field(agent, company):
    contact = contact_invite(actor=agent, customer=company, email="lisa@druckerei.example", first_name="Lisa",
                             last_name="Lager", rights=[RightInput(site=None)])
    uidb64, token = link_path(invitation_link(contact)).split("/")[4:6]
    with pytest.raises(DomainValidationError) as caught:
        invitation_accept(uidb64=uidb64, token=token, password="12345678", password_again="12345678")
    assert {error.field for error in caught.value.errors} == {"password"}


# --- Who may grant what -----------------------------------------------------------------------


def test_a_user_manager_cannot_grant_a_site_they_do_not_hold(manager, company):
    first, second, _third = sites_of(company)
    with pytest.raises(DomainValidationError) as caught:
        contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                       last_name="Muster", rights=[RightInput(site=second)])
    assert [error.code for error in caught.value.errors] == ["site_not_held"]
    with pytest.raises(DomainValidationError) as caught:
        contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                       last_name="Muster", rights=[RightInput(site=None)])
    assert [error.code for error in caught.value.errors] == ["site_not_held"]
    with pytest.raises(DomainValidationError) as caught:
        contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                       last_name="Muster", rights=[RightInput(site=first, can_see_invoices=True)])
    assert [(error.field, error.code) for error in caught.value.errors] == [
        ("rights[0].can_see_invoices", "right_not_held")]
    assert not User.objects.filter(email="max@druckerei.example").exists()

    colleague = contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                               last_name="Muster", rights=[RightInput(site=first, can_manage_users=True)])
    assert list(colleague.portal_rights.values_list("site_id", "can_manage_users")) == [(first.pk, True)]


def test_the_users_page_offers_only_the_managers_own_sites(manager, company):
    first, second, _third = sites_of(company)
    page = client_for(manager).get("/portal/account/users/")
    assert page.status_code == 200
    assert f'data-testid="rights-row-{first.pk}"'.encode() in page.content
    assert f'data-testid="rights-row-{second.pk}"'.encode() not in page.content
    assert b'data-testid="rights-row-all"' not in page.content
    # A right for another site sent anyway is not read: nothing is granted, nobody is created.
    refused = client_for(manager).post("/portal/account/users/", invite_form([str(second.pk), "all"]))
    assert refused.status_code == 400 and not User.objects.filter(email="lisa@druckerei.example").exists()
    invited = client_for(manager).post("/portal/account/users/", invite_form([str(first.pk)]))
    assert invited.status_code == 302
    assert User.objects.get(email="lisa@druckerei.example").portal_rights.get().site == first


def test_a_user_manager_changes_only_colleagues_within_their_own_rights(manager, plain, company):
    first, _second, _third = sites_of(company)
    with pytest.raises(DomainValidationError) as caught:
        rights_set(actor=manager, user=plain, rights=[RightInput(site=first)])
    assert caught.value.errors[0].code == "rights_not_held"
    with pytest.raises(DomainValidationError):
        contact_deactivate(actor=manager, user=plain)
    with pytest.raises(DomainValidationError):
        rights_set(actor=manager, user=manager, rights=[RightInput(site=first, can_manage_users=True)])
    assert User.objects.get(pk=plain.pk).is_active

    colleague = contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                               last_name="Muster", rights=[RightInput(site=first)])
    response = client_for(manager).post(f"/portal/account/users/{colleague.pk}/rights/", {
        f"right_{first.pk}_access": "on", f"right_{first.pk}_can_manage_users": "on"})
    assert response.status_code == 302
    assert list(colleague.portal_rights.values_list("site_id", "can_order", "can_manage_users")) == [
        (first.pk, False, True)]
    beyond = client_for(manager).post(f"/portal/account/users/{colleague.pk}/rights/", {
        f"right_{first.pk}_access": "on", f"right_{first.pk}_can_see_invoices": "on"})
    assert beyond.status_code == 400 and colleague.portal_rights.get().can_see_invoices is False


def test_staff_replace_rights_and_a_deactivated_contact_cannot_sign_in(agent, plain, company):
    _first, second, third = sites_of(company)
    rights_set(actor=agent, user=plain, rights=[RightInput(site=second), RightInput(site=third, can_order=False)])
    assert sorted(plain.portal_rights.values_list("site_id", "can_order")) == [(second.pk, True), (third.pk, False)]
    contact_deactivate(actor=agent, user=plain)
    assert not User.objects.get(pk=plain.pk).is_active
    assert not client_for(None).login(username="filiale", password="x" * 20)
    assert Event.objects.filter(name="customer.portal_user_deactivated").count() == 1


def test_nobody_else_may_invite_or_change_contacts(plain, stranger, company, customer_contact):
    with pytest.raises(PermissionDenied):
        contact_invite(actor=plain, customer=company, email="x@druckerei.example", first_name="", last_name="X",
                       rights=[RightInput(site=None)])
    with pytest.raises(PermissionDenied):
        contact_invite(actor=stranger, customer=company, email="x@druckerei.example", first_name="", last_name="X",
                       rights=[RightInput(site=None)])
    with pytest.raises(PermissionDenied):
        rights_set(actor=stranger, user=plain, rights=[RightInput(site=None)])
    with pytest.raises(PermissionDenied):
        contact_deactivate(actor=stranger, user=plain)


def test_bad_input_names_the_field_and_creates_nobody(agent, company):
    def invite(**overrides):
        data = {"actor": agent, "customer": company, "email": "lisa@druckerei.example", "first_name": "Lisa",
                "last_name": "Lager", "rights": [RightInput(site=None)], **overrides}
        with pytest.raises(DomainValidationError) as caught:
            contact_invite(**data)
        return {(error.field, error.code) for error in caught.value.errors}

    assert ("email", "invalid_email") in invite(email="keine-adresse")
    other = customers.organisation(name="Andere AG")
    assert invite(rights=[RightInput(site=sites_of(other)[0])]) == {("rights[0].site", "foreign_site")}
    assert invite(rights=[]) == {("rights", "required")}
    first = sites_of(company)[0]
    assert invite(rights=[RightInput(site=first), RightInput(site=first)]) == {("rights[1].site", "duplicate_site")}
    assert ("customer", "not_organisation") in invite(customer=customers.person())
    User.objects.create_user("vorhanden", email="Lisa@Druckerei.example", password="x" * 20)
    assert invite() == {("email", "email_taken")}
    assert User.objects.filter(email__iexact="lisa@druckerei.example").count() == 1


def test_the_staff_page_shows_a_taken_email_at_the_field(agent, company):
    User.objects.create_user("vorhanden", email="lisa@druckerei.example", password="x" * 20)
    response = client_for(agent).post(f"/orders/customers/{company.pk}/invite/", invite_form(["all"]))
    assert response.status_code == 400
    assert re.search(rb'id="id_invite-email"[^>]*is-invalid|is-invalid[^>]*id="id_invite-email"', response.content)


# --- Pages and who may open them --------------------------------------------------------------


def test_the_staff_invite_page_is_for_staff(manager, plain, stranger, company, agent, team_lead, admin_user):
    url = f"/orders/customers/{company.pk}/invite/"
    assert client_for(None).get(url).status_code == 302
    for user in (agent, team_lead, admin_user):
        page = client_for(user).get(url)
        assert page.status_code == 200 and b"kurt_kunde@kundennah.example" in page.content, user
    for user in (manager, plain, stranger):
        assert client_for(user).get(url).status_code == 403, user
        assert client_for(user).post(url, invite_form(["all"])).status_code == 403, user
    assert client_for(agent).get("/orders/customers/999999/invite/").status_code == 404
    assert not User.objects.filter(email="lisa@druckerei.example").exists()


def test_the_users_page_is_for_contacts_who_may_manage_users(manager, plain, stranger, company, agent, team_lead,
                                                            admin_user):
    url = "/portal/account/users/"
    assert client_for(None).get(url).status_code == 302
    for user in (agent, team_lead, admin_user, plain):
        assert client_for(user).get(url).status_code == 403, user
        assert client_for(user).post(url, invite_form(["all"])).status_code == 403, user
    ours = client_for(manager).get(url)
    assert ours.status_code == 200 and b"filiale@druckerei.example" in ours.content
    theirs = client_for(stranger).get(url)
    assert theirs.status_code == 200 and b"filiale@druckerei.example" not in theirs.content
    assert not User.objects.filter(email="lisa@druckerei.example").exists()


def test_changing_and_deactivating_a_contact_is_for_their_own_managers(manager, plain, stranger, company, agent,
                                                                       team_lead):
    colleague = contact_invite(actor=manager, customer=company, email="max@druckerei.example", first_name="Max",
                               last_name="Muster", rights=[RightInput(site=sites_of(company)[0])])
    rights_url = f"/portal/account/users/{colleague.pk}/rights/"
    deactivate_url = f"/portal/account/users/{colleague.pk}/deactivate/"
    assert client_for(None).get(rights_url).status_code == 302
    for user in (agent, team_lead, plain):
        assert client_for(user).get(rights_url).status_code == 403, user
        assert client_for(user).post(deactivate_url).status_code == 403, user
    assert client_for(stranger).get(rights_url).status_code == 404
    assert client_for(stranger).post(deactivate_url).status_code == 404
    assert client_for(manager).get(rights_url).status_code == 200
    assert client_for(manager).get(deactivate_url).status_code == 405
    assert User.objects.get(pk=colleague.pk).is_active
    assert client_for(manager).post(deactivate_url).status_code == 302
    assert not User.objects.get(pk=colleague.pk).is_active


def test_my_account_shows_my_rights_read_only_and_the_way_to_two_factor(manager, plain, stranger, company, agent,
                                                                        team_lead, admin_user):
    url = "/portal/account/"
    assert client_for(None).get(url).status_code == 302
    for user in (agent, team_lead, admin_user):
        assert client_for(user).get(url).status_code == 403, user
    page = client_for(manager).get(url)
    text = page.content.decode()
    assert page.status_code == 200 and sites_of(company)[0].name in text
    assert "/accounts/2fa/" in text and "/portal/account/users/" in text
    assert 'type="checkbox"' not in text  # read-only
    assert "/portal/account/users/" not in client_for(plain).get(url).content.decode()
    stranger_page = client_for(stranger).get(url).content.decode()
    assert "Andere AG" in stranger_page and sites_of(company)[0].name not in stranger_page
    # allauth's two-factor pages are open to customer contacts too.
    assert client_for(manager).get("/accounts/2fa/").status_code == 200
