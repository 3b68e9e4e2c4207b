"""Phone: an agent logs a call while or after taking it.

The caller is recognised by their number as the agent types it (``service:customer_pick``);
the call becomes a concern on the phone channel with the agent as actor. A call whose matter
was settled on the phone is resolved at once, so it still counts as a kept promise.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import form_submit
from kundennah.core.permissions import staff_required
from kundennah.customers.models import Customer
from kundennah.customers.selectors import customer_get_for_user
from kundennah.service.forms import PhoneForm
from kundennah.service.models import Concern
from kundennah.service.services import ConcernIntake, concern_intake, concern_transition
from kundennah.timeline.models import Interaction


def chosen_customer(user: Any, customer_id: int | None) -> Customer | None:
    if not customer_id:
        return None
    try:
        return customer_get_for_user(user=user, customer_id=customer_id)
    except Http404:
        raise DomainValidationError.single(
            "customer_id", "unknown_customer", _("This customer does not exist.")) from None


def phone_call_log(*, data: dict[str, Any], actor: Any) -> Concern:
    concern = concern_intake(data=ConcernIntake(
        channel=Interaction.Channel.PHONE, subject=data["subject"], body=data["body"],
        customer=chosen_customer(actor, data["customer_id"]), contact_name=data["contact_name"],
        contact_phone=data["contact_phone"], received_at=data["received_at"], category=data["category"],
        priority=data["priority"],
    ), actor=actor)
    if data["resolved_during_call"]:
        concern = concern_transition(concern=concern, status=Concern.Status.RESOLVED, actor=actor)
    return concern


@staff_required("service.log_contact")
def log_phone(request: HttpRequest) -> HttpResponse:
    form = PhoneForm(request.POST or None)
    if request.method == "POST":
        concern = form_submit(form, lambda data: phone_call_log(data=data, actor=request.user))
        if concern is not None:
            return redirect("service:concern", concern.pk)
    return render(request, "service/log_phone.html", {"form": form, "nav": "service"},
                  status=422 if form.is_bound else 200)
