"""Portal accounts: accepting an invitation, the organisation's users, and staff inviting contacts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kundennah.accounts.models import User
from kundennah.channels.portal import customer_required
from kundennah.commerce.models import PortalRight
from kundennah.commerce.portal_users import FLAGS, RightInput, contact_invite, invitation_accept, invitation_user
from kundennah.core.errors import DomainValidationError
from kundennah.core.permissions import staff_required
from kundennah.customers.models import Customer, Site
from kundennah.customers.selectors import customer_get_for_user


def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """No login: the link is the key. A wrong, used or expired link changes nothing."""
    if invitation_user(uidb64=uidb64, token=token) is None:
        return render(request, "commerce/account/invitation_invalid.html", status=410)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            user = invitation_accept(uidb64=uidb64, token=token, password=request.POST.get("password", ""),
                                     password_again=request.POST.get("password_again", ""))
        except DomainValidationError as exc:
            errors = {e.field: str(e.message) for e in exc.errors}
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("public:portal")
    return render(request, "commerce/account/invitation.html", {"errors": errors}, status=422 if errors else 200)


def _rights_from(request: HttpRequest) -> list[RightInput]:
    """One right from the form: a site (or "all"), and the flags ticked. The service checks
    that the site is the customer's and within what the inviting contact may grant."""
    site_value = request.POST.get("site", "all")
    site = None
    if site_value != "all":
        site = Site.objects.filter(pk=int(site_value)).first() if site_value.isdigit() else None
        if site is None:
            raise DomainValidationError.single("rights", "unknown_site", _("Please choose a site."))
    return [RightInput(site=site, **{flag: request.POST.get(flag) == "on" for flag in FLAGS})]


def _invite(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    try:
        contact_invite(actor=request.user, customer=customer, email=request.POST.get("email", ""),
                       first_name=request.POST.get("first_name", ""), last_name=request.POST.get("last_name", ""),
                       rights=_rights_from(request), language=request.POST.get("language", "de"),
                       base_url=request.build_absolute_uri("/"))
    except DomainValidationError as exc:
        return {"errors": {e.field.split(".")[0].split("[")[0]: str(e.message) for e in exc.errors},
                "posted": request.POST}
    return {"invited": request.POST.get("email", "")}


def _users_context(customer: Customer) -> dict[str, Any]:
    contacts = User.objects.filter(customer=customer, role=User.Role.CUSTOMER).order_by("last_name", "first_name")
    rights = PortalRight.objects.filter(customer=customer).select_related("site")
    by_user: dict[int, list[PortalRight]] = {}
    for right in rights:
        by_user.setdefault(right.user_id, []).append(right)
    return {"customer": customer, "contacts": [(c, by_user.get(c.pk, [])) for c in contacts],
            "sites": list(Site.objects.filter(organisation=customer, is_active=True).order_by("name"))}


@customer_required
def users(request: HttpRequest) -> HttpResponse:
    """The organisation's portal users, for contacts who may manage them."""
    user: Any = request.user
    if not PortalRight.objects.filter(user=user, customer_id=user.customer_id, can_manage_users=True).exists():
        return render(request, "commerce/account/not_allowed.html", status=403)
    customer = Customer.objects.get(pk=user.customer_id)
    result = _invite(request, customer) if request.method == "POST" else {}
    return render(request, "commerce/account/users.html", {**_users_context(customer), **result},
                  status=422 if result.get("errors") else 200)


@staff_required("customers.change_customer")
def staff_invite(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    result = _invite(request, customer) if request.method == "POST" else {}
    context = {**_users_context(customer), **result, "nav": "customers"}
    return render(request, "commerce/account/staff_invite.html", context, status=422 if result.get("errors") else 200)
