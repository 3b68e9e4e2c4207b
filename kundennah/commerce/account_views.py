"""Portal account pages: accepting an invitation, the organisation's users, and "My account".

The invitation page needs no login (the link is the key); the others are for signed-in
customer contacts only, and the users pages for contacts who may manage users.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kundennah.channels.portal import customer_required
from kundennah.commerce.account_forms import InvitationForm, PasswordSetForm, RightsForm
from kundennah.commerce.models import PortalRight
from kundennah.commerce.portal_users import (
    InvitationInvalidError,
    contact_deactivate,
    contact_get_for_manager,
    contact_invite,
    contacts_of,
    grantable_sites,
    invitation_accept,
    invitation_user,
    may_manage_contacts,
    rights_set,
)
from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import form_submit
from kundennah.customers.models import Customer


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "commerce/account/invitation_invalid.html", {"noindex": True}, status=410)


def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """No login: the link is the key. A wrong, used or expired link changes nothing."""
    try:
        contact = invitation_user(uidb64=uidb64, token=token)
    except InvitationInvalidError:
        return _invalid(request)
    form = PasswordSetForm(request.POST or None)
    if request.method == "POST":
        try:
            user = form_submit(form, lambda data: invitation_accept(
                uidb64=uidb64, token=token, password=data["password"], password_again=data["password_again"]))
        except InvitationInvalidError:
            return _invalid(request)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("public:portal")
    return render(request, "commerce/account/invitation.html", {"form": form, "contact": contact, "noindex": True},
                  status=400 if form.is_bound else 200)


def _managed_customer(request: HttpRequest) -> Customer:
    user: Any = request.user
    customer = user.customer
    if customer is None or not may_manage_contacts(user, customer):
        raise PermissionDenied
    return customer


def _invitation_form(request: HttpRequest, customer: Customer) -> InvitationForm:
    all_sites, sites = grantable_sites(request.user, customer)
    return InvitationForm(request.POST or None, all_sites=all_sites, sites=[s for s in sites if s.is_active])


def invite_submit(request: HttpRequest, customer: Customer, form: InvitationForm) -> Any:
    """Shared by the portal and the staff page: one service call with what the form read."""
    return form_submit(form, lambda data: contact_invite(
        actor=request.user, customer=customer, email=data["email"], first_name=data["first_name"],
        last_name=data["last_name"], language=data["language"], rights=form.rights(),
        base_url=request.build_absolute_uri("/")))


@customer_required
def users(request: HttpRequest) -> HttpResponse:
    """"Users": the organisation's contacts with their rights per site, and the invitation."""
    customer = _managed_customer(request)
    form = _invitation_form(request, customer)
    if request.method == "POST":
        invited = invite_submit(request, customer, form)
        if invited is not None:
            messages.success(request, _("The invitation went to %(email)s.") % {"email": invited.email})
            return redirect("portal_account:users")
    return render(request, "commerce/account/users.html", {
        "customer": customer, "contacts": contacts_of(customer), "form": form, "me": request.user,
    }, status=400 if form.is_bound else 200)


@customer_required
def contact_rights(request: HttpRequest, user_id: int) -> HttpResponse:
    customer = _managed_customer(request)
    contact = contact_get_for_manager(actor=request.user, customer=customer, user_id=user_id)
    all_sites, sites = grantable_sites(request.user, customer)
    form = RightsForm(request.POST or None, all_sites=all_sites, sites=sites,
                      current=list(contact.portal_rights.select_related("site")))
    saved = None
    if request.method == "POST":
        saved = form_submit(form, lambda _data: rights_set(actor=request.user, user=contact, rights=form.rights()))
    if saved is not None:
        messages.success(request, _("The rights of %(name)s are saved.") % {"name": contact.display_name})
        return redirect("portal_account:users")
    return render(request, "commerce/account/rights.html", {"contact": contact, "form": form},
                  status=400 if form.is_bound else 200)


@require_POST
@customer_required
def contact_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    customer = _managed_customer(request)
    contact = contact_get_for_manager(actor=request.user, customer=customer, user_id=user_id)
    try:
        contact_deactivate(actor=request.user, user=contact)
    except DomainValidationError as exc:
        messages.error(request, " ".join(str(error.message) for error in exc.errors))
    else:
        messages.success(request, _("%(name)s can no longer sign in.") % {"name": contact.display_name})
    return redirect("portal_account:users")


@customer_required
def account(request: HttpRequest) -> HttpResponse:
    """"My account": what I may do where (read-only), my language, two-factor authentication."""
    user: Any = request.user
    rights = sorted(PortalRight.objects.filter(user=user, customer_id=user.customer_id).select_related("site"),
                    key=lambda right: (right.site is not None, right.site.name if right.site else ""))
    return render(request, "commerce/account/account.html", {
        "rights": rights, "customer": user.customer,
        "manages_users": user.customer is not None and may_manage_contacts(user, user.customer),
    })
