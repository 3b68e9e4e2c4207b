"""Portal contacts of an organisation: invitations, their rights per site, deactivation.

Staff who may change customers invite and manage every contact. A contact who holds a right
with "may manage users" manages the contacts of their own organisation, but grants only what
they hold themselves (per site, flag by flag) and touches only contacts whose rights lie within
their own: nobody in the portal can hand out more than they have.

The invitation link carries Django's password-reset token: it expires after
``PASSWORD_RESET_TIMEOUT`` and dies as soon as a password is set, because the token is bound
to the password hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from kundennah.accounts.models import User
from kundennah.commerce.models import PortalRight
from kundennah.core.emails import email_normalise, header_text
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.events import event_record
from kundennah.customers.models import Customer, Site

FLAGS = ("can_order", "can_see_invoices", "can_manage_addresses", "can_manage_users")


def flag_labels() -> dict[str, str]:
    return {flag: str(getattr(PortalRight._meta.get_field(flag), "verbose_name", flag)) for flag in FLAGS}


@dataclass(frozen=True)
class RightInput:
    """One right to grant: for ``site``, or for all sites of the customer when ``site`` is None."""

    site: Site | None
    can_order: bool = True
    can_see_invoices: bool = False
    can_manage_addresses: bool = False
    can_manage_users: bool = False

    def flags(self) -> set[str]:
        return {flag for flag in FLAGS if getattr(self, flag)}


class InvitationInvalidError(Exception):
    """The invitation link is wrong, expired or already used; nothing was changed."""


# --- Who may do what ----------------------------------------------------------------------------


def _is_staff_manager(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm("customers.change_customer"))


def _actor_rights(actor: Any, customer: Customer) -> list[PortalRight]:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    if actor.role != User.Role.CUSTOMER or actor.customer_id != customer.pk:
        return []
    return list(PortalRight.objects.filter(user=actor, customer=customer))


def may_manage_contacts(actor: Any, customer: Customer) -> bool:
    """Staff who may change customers, or a contact of ``customer`` holding "may manage users"."""
    if _is_staff_manager(actor):
        return True
    return any(right.can_manage_users for right in _actor_rights(actor, customer))


def held_flags(rights: list[PortalRight], site_id: int | None) -> set[str]:
    """What ``rights`` allow for one site (None: for all sites, which only an all-sites right gives)."""
    covering = [r for r in rights if r.site_id is None or (site_id is not None and r.site_id == site_id)]
    return {flag for flag in FLAGS for right in covering if getattr(right, flag)}


def _covers(rights: list[PortalRight], site_id: int | None, flags: set[str]) -> bool:
    covering = [r for r in rights if r.site_id is None or (site_id is not None and r.site_id == site_id)]
    return bool(covering) and flags <= held_flags(rights, site_id)


def grantable_sites(actor: Any, customer: Customer) -> tuple[bool, list[Site]]:
    """(may grant all sites, the single sites that may be granted) for ``actor`` at ``customer``."""
    sites = list(Site.objects.filter(organisation=customer).order_by("-is_active", "name", "id"))
    if _is_staff_manager(actor):
        return True, sites
    rights = _actor_rights(actor, customer)
    if any(right.site_id is None for right in rights):
        return True, sites
    held = {right.site_id for right in rights}
    return False, [site for site in sites if site.pk in held]


def _require_manager(actor: Any, customer: Customer) -> list[PortalRight] | None:
    """None for staff; the actor's rights for a managing contact; 403 for everyone else."""
    if _is_staff_manager(actor):
        return None
    rights = _actor_rights(actor, customer)
    if not any(right.can_manage_users for right in rights):
        raise PermissionDenied
    return rights


def _check_rights(customer: Customer, rights: list[RightInput], actor_rights: list[PortalRight] | None) -> None:
    errors = ErrorCollector()
    if not rights:
        errors.add("rights", "required", _("Please grant at least one right."))
    seen: set[int | None] = set()
    labels = flag_labels()
    for index, right in enumerate(rights):
        field = f"rights[{index}].site"
        site_id = right.site.pk if right.site is not None else None
        site_name = right.site.name if right.site is not None else str(_("All sites"))
        if right.site is not None and right.site.organisation_id != customer.pk:
            errors.add(field, "foreign_site", _("This site does not belong to the customer."))
            continue
        if site_id in seen:
            errors.add(field, "duplicate_site", _("%(site)s is named twice.") % {"site": site_name})
            continue
        seen.add(site_id)
        if actor_rights is None:
            continue
        if not _covers(actor_rights, site_id, set()):
            errors.add(field, "site_not_held",
                       _("You cannot grant rights for %(site)s: you do not hold it yourself.") % {"site": site_name})
            continue
        for flag in sorted(right.flags() - held_flags(actor_rights, site_id)):
            errors.add(f"rights[{index}].{flag}", "right_not_held",
                       _("You cannot grant “%(right)s” for %(site)s: you do not have it yourself.")
                       % {"right": labels[flag], "site": site_name})
    errors.raise_if_any()


def _require_target_within(target: User, customer: Customer, actor_rights: list[PortalRight] | None,
                           actor: Any) -> None:
    """A managing contact touches only other contacts of their organisation whose rights they hold."""
    if target.role != User.Role.CUSTOMER or target.customer_id != customer.pk:
        raise PermissionDenied
    if actor_rights is None:
        return
    if target.pk == actor.pk:
        raise DomainValidationError.single("user", "self", _("You cannot change your own rights or account here."))
    for right in PortalRight.objects.filter(user=target):
        flags = {flag for flag in FLAGS if getattr(right, flag)}
        if not _covers(actor_rights, right.site_id, flags):
            raise DomainValidationError.single(
                "user", "rights_not_held",
                _("This contact holds rights you do not have; please ask us or a colleague with these rights."))


def _rights_write(user: User, customer: Customer, rights: list[RightInput]) -> list[PortalRight]:
    PortalRight.objects.filter(user=user).delete()
    return PortalRight.objects.bulk_create([
        PortalRight(user=user, customer=customer, site=right.site, can_order=right.can_order,
                    can_see_invoices=right.can_see_invoices, can_manage_addresses=right.can_manage_addresses,
                    can_manage_users=right.can_manage_users)
        for right in rights
    ])


def _rights_payload(rights: list[RightInput]) -> list[dict[str, Any]]:
    return [{"site_id": right.site.pk if right.site else None, **{flag: getattr(right, flag) for flag in FLAGS}}
            for right in rights]


# --- Invitation -------------------------------------------------------------------------------


def invitation_link(user: User, *, base_url: str = "") -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("portal_account:invitation", kwargs={"uidb64": uidb64, "token": token})
    return (base_url or settings.BASE_URL).rstrip("/") + path


def invitation_message(user: User, *, inviter_name: str, customer: Customer,
                       base_url: str = "") -> EmailMultiAlternatives:
    """The invitation mail in the contact's language, with a fresh link."""
    language = user.language if user.language in {code for code, _name in settings.LANGUAGES} else "de"
    with translation.override(language):
        context = {
            "user": user, "customer_name": customer.display_name,
            "link": invitation_link(user, base_url=base_url), "inviter_name": inviter_name or settings.COMPANY_NAME,
            "company_name": settings.COMPANY_NAME, "service_phone": settings.SERVICE_PHONE,
            "service_hours": settings.SERVICE_HOURS,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        subject = header_text(render_to_string("commerce/mail/invitation_subject.txt", context))
        text = render_to_string("commerce/mail/invitation.txt", context)
        html = render_to_string("commerce/mail/invitation.html", context)
    message = EmailMultiAlternatives(subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[user.email], headers={"Auto-Submitted": "auto-generated"})
    message.attach_alternative(html, "text/html")
    return message


def invitation_send(*, user_id: int, inviter_name: str = "", base_url: str = "") -> bool:
    """Mail the invitation to a contact who has not set a password yet. True if a mail went out."""
    user = User.objects.filter(pk=user_id, role=User.Role.CUSTOMER, is_active=True).select_related("customer").first()
    if user is None or user.customer is None or user.has_usable_password():
        return False
    invitation_message(user, inviter_name=inviter_name, customer=user.customer, base_url=base_url).send()
    return True


def _email_free(email: str, *, field: str = "email") -> str:
    address = email_normalise(email, field=field)
    if User.objects.filter(email__iexact=address).exists() or User.objects.filter(
            username__iexact=address).exists():
        raise DomainValidationError.single(field, "email_taken",
                                           _("This email address already belongs to another user."))
    return address


@transaction.atomic
def contact_invite(
    *,
    actor: Any,
    customer: Customer,
    email: str,
    first_name: str,
    last_name: str,
    language: str = "de",
    rights: list[RightInput],
    base_url: str = "",
) -> User:
    """Create a portal contact of ``customer`` with ``rights`` and mail them the invitation link."""
    actor_rights = _require_manager(actor, customer)
    errors = ErrorCollector()
    if not customer.is_organisation:
        errors.add("customer", "not_organisation", _("Portal contacts belong to an organisation."))
    address = ""
    with errors.field():
        address = _email_free(email)
    first, last = " ".join(first_name.split())[:150], " ".join(last_name.split())[:150]
    if not last:
        errors.add("last_name", "required", _("Please enter the last name."))
    if language not in {code for code, _name in settings.LANGUAGES}:
        errors.add("language", "invalid_choice", _("Please choose a language."))
    with errors.field():
        _check_rights(customer, rights, actor_rights)
    errors.raise_if_any()
    user = User(username=address.lower()[:150], email=address, first_name=first, last_name=last,
                role=User.Role.CUSTOMER, customer=customer, language=language, is_active=True)
    user.set_unusable_password()
    user.save()
    _rights_write(user, customer, rights)
    event_record(name="customer.portal_user_invited", aggregate_type="customer", aggregate_id=customer.pk,
                 actor=actor, payload={"user_id": user.pk, "email": address, "rights": _rights_payload(rights)})
    # The token is made after commit, from the stored user (its password hash and last login).
    user_id, inviter_name = user.pk, str(getattr(actor, "display_name", "") or "")
    transaction.on_commit(lambda: invitation_send(user_id=user_id, inviter_name=inviter_name, base_url=base_url))
    return user


def invitation_user(*, uidb64: str, token: str) -> User:
    """The invited contact the link belongs to, else ``InvitationInvalidError``."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        raise InvitationInvalidError from None
    user = User.objects.filter(pk=pk, role=User.Role.CUSTOMER, is_active=True).select_related("customer").first()
    if user is None or user.customer_id is None or user.has_usable_password():
        raise InvitationInvalidError
    if not default_token_generator.check_token(user, token):
        raise InvitationInvalidError
    return user


@transaction.atomic
def invitation_accept(*, uidb64: str, token: str, password: str, password_again: str) -> User:
    """Set the invited contact's first password; the link is used up with it."""
    user = invitation_user(uidb64=uidb64, token=token)
    user = User.objects.select_for_update().get(pk=user.pk)
    if not default_token_generator.check_token(user, token):
        raise InvitationInvalidError  # accepted a moment ago in another tab
    errors = ErrorCollector()
    if not password:
        errors.add("password", "required", _("Please choose a password."))
    else:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            for message in exc.messages:
                errors.add("password", "weak_password", message)
    if password and password != password_again:
        errors.add("password_again", "mismatch", _("The two passwords differ."))
    errors.raise_if_any()
    user.set_password(password)
    user.save(update_fields=["password"])
    assert user.customer_id is not None
    event_record(name="customer.portal_user_joined", aggregate_type="customer", aggregate_id=user.customer_id,
                 actor=user, payload={"user_id": user.pk})
    return user


# --- Changing contacts --------------------------------------------------------------------------


@transaction.atomic
def rights_set(*, actor: Any, user: User, rights: list[RightInput]) -> list[PortalRight]:
    """Replace all rights of the contact ``user`` (same rules as inviting)."""
    customer = user.customer
    if customer is None:
        raise PermissionDenied
    actor_rights = _require_manager(actor, customer)
    _require_target_within(user, customer, actor_rights, actor)
    _check_rights(customer, rights, actor_rights)
    written = _rights_write(user, customer, rights)
    event_record(name="customer.portal_rights_changed", aggregate_type="customer", aggregate_id=customer.pk,
                 actor=actor, payload={"user_id": user.pk, "rights": _rights_payload(rights)})
    return written


@transaction.atomic
def contact_deactivate(*, actor: Any, user: User) -> User:
    """The contact can no longer sign in; orders and concerns they placed stay as they are."""
    customer = user.customer
    if customer is None:
        raise PermissionDenied
    actor_rights = _require_manager(actor, customer)
    _require_target_within(user, customer, actor_rights, actor)
    if not user.is_active:
        return user
    user.is_active = False
    user.save(update_fields=["is_active"])
    event_record(name="customer.portal_user_deactivated", aggregate_type="customer", aggregate_id=customer.pk,
                 actor=actor, payload={"user_id": user.pk})
    return user


def contacts_of(customer: Customer) -> list[User]:
    """The organisation's portal contacts with their rights (sites loaded), active first."""
    return list(
        User.objects.filter(role=User.Role.CUSTOMER, customer=customer)
        .prefetch_related("portal_rights__site").order_by("-is_active", "last_name", "first_name", "id")
    )


def contact_get_for_manager(*, actor: Any, customer: Customer, user_id: int | str) -> User:
    """A contact of ``customer`` for someone who may manage its contacts; else 404."""
    if not may_manage_contacts(actor, customer):
        raise PermissionDenied
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        raise Http404 from None
    user = User.objects.filter(pk=pk, role=User.Role.CUSTOMER, customer=customer).first()
    if user is None:
        raise Http404
    return user
