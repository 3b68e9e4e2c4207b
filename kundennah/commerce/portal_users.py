"""Portal accounts: inviting a customer's contacts with rights per site, and their first password.

Staff invite contacts of any customer; a contact who may manage the users of their organisation
invites colleagues, and never grants more than they hold themselves. The invitation link carries
Django's password-reset token: it expires (``PASSWORD_RESET_TIMEOUT``) and dies once a password
is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from kundennah.accounts.models import User
from kundennah.commerce.models import PortalRight
from kundennah.core.emails import email_normalise, header_text
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.events import event_record
from kundennah.customers.models import Customer, Site

FLAGS = ("can_order", "can_see_invoices", "can_manage_addresses", "can_manage_users")


@dataclass(frozen=True)
class RightInput:
    site: Site | None  # None: all sites of the customer
    can_order: bool = True
    can_see_invoices: bool = False
    can_manage_addresses: bool = False
    can_manage_users: bool = False


def _actor_rights(actor: Any, customer: Customer) -> list[PortalRight] | None:
    """None for staff who may change customers (any right); the actor's own rights otherwise."""
    if getattr(actor, "is_staff_member", False) and rules.has_perm("customers.change_customer", actor):
        return None
    if getattr(actor, "role", None) != User.Role.CUSTOMER or actor.customer_id != customer.pk:
        raise DomainValidationError.single("customer", "not_allowed", _("You may not invite users for this customer."))
    own = list(PortalRight.objects.filter(user=actor, customer=customer))
    if not any(right.can_manage_users for right in own):
        raise DomainValidationError.single("customer", "not_allowed", _("You may not invite users for this customer."))
    return own


def _within(wanted: RightInput, own: list[PortalRight]) -> bool:
    """Whether an actor holding ``own`` may grant ``wanted`` (no site or flag they lack)."""
    for right in own:
        covers_site = right.site_id is None or (wanted.site is not None and wanted.site.pk == right.site_id)
        if covers_site and all(getattr(right, flag) or not getattr(wanted, flag) for flag in FLAGS):
            return True
    return False


def _check_rights(rights: list[RightInput], customer: Customer, own: list[PortalRight] | None,
                  errors: ErrorCollector) -> None:
    if not rights:
        errors.add("rights", "required", _("Please grant at least one right."))
    for index, right in enumerate(rights):
        if right.site is not None and right.site.organisation_id != customer.pk:
            errors.add(f"rights[{index}].site", "foreign_site", _("This site belongs to another customer."))
        elif own is not None and not _within(right, own):
            errors.add(f"rights[{index}]", "beyond_own_rights", _("You cannot grant more than you may do yourself."))


def contact_invite(*, actor: Any, customer: Customer, email: str, first_name: str, last_name: str,
                   rights: list[RightInput], language: str = "de", base_url: str = "") -> User:
    """Create the contact's portal account with its rights and mail the invitation link."""
    own = _actor_rights(actor, customer)
    errors = ErrorCollector()
    address = ""
    try:
        address = email_normalise(email)
    except DomainValidationError:
        errors.add("email", "invalid_email", _("Please give a valid email address."))
    if address and User.objects.filter(email__iexact=address).exists():
        errors.add("email", "taken", _("There is already an account with this email address."))
    if not first_name.strip() and not last_name.strip():
        errors.add("last_name", "required", _("Please give the name."))
    _check_rights(rights, customer, own, errors)
    errors.raise_if_any()
    with transaction.atomic():
        user = User(username=address.lower()[:150], email=address, first_name=first_name.strip()[:150],
                    last_name=last_name.strip()[:150], role=User.Role.CUSTOMER, customer=customer,
                    language=language if language in {"de", "en"} else "de")
        user.set_unusable_password()
        user.save()
        PortalRight.objects.bulk_create([
            PortalRight(user=user, customer=customer, site=right.site,
                        **{flag: getattr(right, flag) for flag in FLAGS}) for right in rights])
        event_record(name="customer.portal_user_invited", aggregate_type="customer", aggregate_id=customer.pk,
                     actor=actor if getattr(actor, "pk", None) else None,
                     payload={"customer_id": customer.pk, "user_id": user.pk})
        user_id = user.pk
        transaction.on_commit(lambda: invitation_send(user_id=user_id, base_url=base_url))
    return user


def invitation_link(user: User, base_url: str = "") -> str:
    base = (base_url or settings.BASE_URL).rstrip("/")
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return base + reverse("portal_account:invitation", args=[uidb64, token])


def invitation_send(*, user_id: int, base_url: str = "") -> bool:
    user = User.objects.filter(pk=user_id, role=User.Role.CUSTOMER, is_active=True).select_related("customer").first()
    if user is None or user.has_usable_password():
        return False
    with translation.override(user.language or "de"):
        context = {"user": user, "link": invitation_link(user, base_url), "company_name": settings.COMPANY_NAME,
                   "service_phone": settings.SERVICE_PHONE, "service_hours": settings.SERVICE_HOURS}
        subject = header_text(render_to_string("commerce/account/invitation_subject.txt", context))
        text = render_to_string("commerce/account/invitation.txt", context)
    EmailMultiAlternatives(subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                           to=[user.email]).send()
    return True


def invitation_user(*, uidb64: str, token: str) -> User | None:
    """The invited user this link is for, while it is valid; else None."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = User.objects.filter(pk=pk, role=User.Role.CUSTOMER, is_active=True).first()
    if user is None or user.has_usable_password() or not default_token_generator.check_token(user, token):
        return None
    return user


def invitation_accept(*, uidb64: str, token: str, password: str, password_again: str) -> User:
    """Set the invited contact's first password; the link is used up by it."""
    user = invitation_user(uidb64=uidb64, token=token)
    if user is None:
        raise DomainValidationError.single("token", "invalid_link",
                                           _("This invitation link is no longer valid. Please ask for a new one."))
    errors = ErrorCollector()
    if password != password_again:
        errors.add("password_again", "mismatch", _("The two passwords differ."))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        for message in exc.messages:
            errors.add("password", "weak_password", message)
    errors.raise_if_any()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        event_record(name="customer.portal_user_joined", aggregate_type="customer", aggregate_id=user.customer_id or 0,
                     actor=user, payload={"customer_id": user.customer_id, "user_id": user.pk})
    return user
