"""The web form channel: the public contact form and callback requests become concerns.

One adapter, one call of ``concern_intake`` each. The form's one-time submission id is the
external key, so the same form sent twice returns the first concern. The rate limit per client
address keeps a script from filling the inbox; the honeypot and the stopwatch live in the form.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from kundennah.channels.forms import incoming_files
from kundennah.core.ratelimit import hits_over_limit
from kundennah.service.acknowledgement import acknowledgement_schedule
from kundennah.service.models import Concern
from kundennah.service.services import ConcernIntake, concern_intake
from kundennah.timeline.models import Interaction

RATE_LIMIT = getattr(settings, "PUBLIC_FORM_RATE_LIMIT", 5)
RATE_WINDOW_SECONDS = getattr(settings, "PUBLIC_FORM_RATE_WINDOW", 10 * 60)


def client_address(request: HttpRequest) -> str:
    # The address the server saw; a proxy in front must set REMOTE_ADDR (gunicorn's forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(request: HttpRequest, *, scope: str) -> bool:
    """Count one submission from this address; True once it exceeds the limit in the window."""
    return hits_over_limit(f"public-form:{scope}:{client_address(request)}", limit=RATE_LIMIT,
                           window_seconds=RATE_WINDOW_SECONDS)


def _intake(data: ConcernIntake) -> Concern:
    try:
        return concern_intake(data=data)
    except IntegrityError:
        # The same submission arrived twice at the same moment: the other request stored it
        # first, and the intake now returns that concern for the key.
        return concern_intake(data=data)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def contact_submit(*, request: HttpRequest, data: dict[str, Any], submission_id: str) -> Concern:
    """The public contact form → a concern on the web form channel, acknowledged by mail."""
    body = data["message"]
    if data.get("customer_number", "").strip():
        # Shown to the agent, who links the customer: a number typed into a public form is
        # no proof of who sent it, so it never attaches the concern to a record by itself.
        body += "\n\n" + gettext("Customer number given: %(number)s") % {"number": data["customer_number"].strip()}
    concern = _intake(ConcernIntake(
        channel=Interaction.Channel.WEBFORM, subject=data["subject"], body=body, contact_name=data["name"],
        contact_email=data.get("email", ""), contact_phone=data.get("phone", ""),
        language=translation.get_language() or "", attachments=incoming_files(data.get("attachments") or []),
        external_key=f"webform:{submission_id}",
    ))
    acknowledgement_schedule(concern, base_url=_base_url(request))
    return concern


def callback_submit(
    *, request: HttpRequest, data: dict[str, Any], window: tuple[Any, Any], submission_id: str,
    channel: str = Interaction.Channel.WEBFORM, user: Any = None,
) -> Concern:
    """A callback request (public or from the portal) → a concern of kind callback."""
    start, end = window
    customer = getattr(user, "customer", None)
    concern = _intake(ConcernIntake(
        channel=channel, kind=Concern.Kind.CALLBACK, subject=data.get("topic", ""), body=data.get("topic", ""),
        contact_name=str(data.get("name") or getattr(user, "display_name", "")),
        contact_email=data.get("email") or getattr(user, "email", "") or "", contact_phone=data["phone"],
        customer=customer, raised_by=user, language=translation.get_language() or "",
        callback_from=start, callback_until=end, external_key=f"{channel}:{submission_id}",
    ))
    acknowledgement_schedule(concern, base_url=_base_url(request))
    return concern
