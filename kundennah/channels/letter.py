"""Letter: an agent uploads the scan of a letter with a short summary.

Only PDF and images are taken as scans; the type is decided by the file's content
(``service.attachments``), never by its name.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from kundennah.channels.phone import chosen_customer
from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import form_submit
from kundennah.core.permissions import staff_required
from kundennah.service.attachments import IncomingFile, attachments_check
from kundennah.service.forms import LetterForm
from kundennah.service.models import Concern
from kundennah.service.services import ConcernIntake, concern_intake
from kundennah.timeline.models import Interaction

SCAN_TYPES = ("application/pdf", "image/")


def letter_log(*, data: dict[str, Any], actor: Any) -> Concern:
    scan: IncomingFile = data["scan"]
    checked = attachments_check([scan], field="scan")
    if not checked[0][1].startswith(SCAN_TYPES):
        raise DomainValidationError.single("scan", "file_type_refused", _("Please upload the scan as PDF or image."))
    return concern_intake(data=ConcernIntake(
        channel=Interaction.Channel.LETTER, subject=data["subject"], body=data["body"],
        customer=chosen_customer(actor, data["customer_id"]), contact_name=data["contact_name"],
        received_at=data["received_at"], category=data["category"], priority=data["priority"], attachments=[scan],
    ), actor=actor)


@staff_required("service.log_contact")
def log_letter(request: HttpRequest) -> HttpResponse:
    form = LetterForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        concern = form_submit(form, lambda data: letter_log(data=data, actor=request.user))
        if concern is not None:
            return redirect("service:concern", concern.pk)
    return render(request, "service/log_letter.html", {"form": form, "nav": "service"},
                  status=422 if form.is_bound else 200)
