"""The survey mail: the two questions, one-click answers to the first, and the way out."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from kundennah.core.emails import header_text
from kundennah.feedback.links import survey_token, survey_url
from kundennah.feedback.models import Survey
from kundennah.feedback.services import survey_mark_sent, survey_mark_unsent


def survey_message(survey: Survey, *, base_url: str = "") -> EmailMultiAlternatives:
    base = (base_url or settings.BASE_URL).rstrip("/")
    url = survey_url(survey.key, base_url=base)
    with translation.override(survey.language):
        context = {
            "survey": survey, "url": url, "company_name": settings.COMPANY_NAME,
            "opt_out_url": base + reverse("feedback_public:opt_out", args=[survey_token(survey.key)]),
            "service_phone": settings.SERVICE_PHONE, "service_hours": settings.SERVICE_HOURS,
        }
        subject = header_text(render_to_string("feedback/mail_subject.txt", context))
        text = render_to_string("feedback/mail.txt", context)
        html = render_to_string("feedback/mail.html", context)
    message = EmailMultiAlternatives(subject=subject[:250], body=text, from_email=settings.DEFAULT_FROM_EMAIL,
                                     to=[survey.recipient_email])
    message.attach_alternative(html, "text/html")
    message.extra_headers["List-Unsubscribe"] = f"<{context['opt_out_url']}>"
    # Surveys are bulk mail in the sense of RFC 3834: no auto-replies to them, please.
    message.extra_headers["Auto-Submitted"] = "auto-generated"
    return message


def survey_send(*, survey_id: int, base_url: str = "") -> bool:
    """Send one due survey. Claimed first, so it goes out once; given back if SMTP fails."""
    survey = survey_mark_sent(survey_id=survey_id)
    if survey is None:
        return False
    try:
        survey_message(survey, base_url=base_url).send()
    except Exception:
        survey_mark_unsent(survey_id=survey_id)
        raise
    return True
