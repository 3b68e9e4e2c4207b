"""The survey as the customer sees it: no login, one signed link, answered in seconds."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kundennah.channels.webform import client_address
from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import errors_to_form
from kundennah.feedback.forms import AnswerForm
from kundennah.feedback.models import Feeling, Survey
from kundennah.feedback.selectors import survey_for_token
from kundennah.feedback.services import (
    TooManyAnswers,
    survey_answer,
    survey_is_answerable,
    survey_opened,
    survey_opt_out,
)

FEELING_ICONS = {1: "bi-emoji-angry", 2: "bi-emoji-frown", 3: "bi-emoji-neutral", 4: "bi-emoji-smile",
                 5: "bi-emoji-laughing"}


def _speak_their_language(request: HttpRequest, survey: Survey) -> None:
    # The survey's language unless the visitor chose one with the switch.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(survey.language)
        request.LANGUAGE_CODE = survey.language


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_for_token(token)
    _speak_their_language(request, survey)
    response = getattr(survey, "response", None)
    if not survey_is_answerable(survey):
        status = 200 if response is not None else 410
        return render(request, "feedback/closed.html", {"survey": survey, "answer": response, "noindex": True},
                      status=status)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                survey_answer(survey=survey, address=client_address(request), **form.cleaned_data)
            except DomainValidationError as exc:
                errors_to_form(form, exc)
            except TooManyAnswers:
                return render(request, "public/rate_limited.html", {"noindex": True}, status=429)
            else:
                return redirect("feedback_public:thanks", token=token)
    else:
        survey_opened(survey=survey)
        initial = {"fulfilled": request.GET.get("fulfilled", "")}
        if response is not None:
            initial = {"fulfilled": response.fulfilled, "feeling": response.feeling, "comment": response.comment}
        form = AnswerForm(initial=initial)
    return render(request, "feedback/answer.html", {
        "survey": survey, "form": form, "answer": response, "feelings": [
            (value, label, FEELING_ICONS[value]) for value, label in Feeling.choices],
        "noindex": True,
    }, status=400 if form.is_bound else 200)


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    survey = survey_for_token(token)
    _speak_their_language(request, survey)
    response = getattr(survey, "response", None)
    if response is None:
        return redirect("feedback_public:answer", token=token)
    return render(request, "feedback/thanks.html", {
        "survey": survey, "answer": response, "token": token, "changeable_until": response.changeable_until,
        "changeable": survey_is_answerable(survey), "noindex": True,
    })


@never_cache
@require_http_methods(["GET", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """No more surveys: confirmed with a button (a mail scanner following the link changes nothing)."""
    survey = survey_for_token(token)
    _speak_their_language(request, survey)
    done = False
    if request.method == "POST":
        survey_opt_out(survey=survey)
        done = True
    return render(request, "feedback/opt_out.html", {"survey": survey, "token": token, "done": done,
                                                     "noindex": True})
