"""The insights page: drivers of bad balance ranked by impact, with the customers' words, and
the tasks made from them. Team leads and admins; each sees the answers of their own teams."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kundennah.accounts.models import Team, User
from kundennah.core.csvsafe import csv_write
from kundennah.core.errors import DomainValidationError
from kundennah.core.forms import BootstrapFormMixin, errors_to_form
from kundennah.core.permissions import staff_required
from kundennah.customers.models import Site
from kundennah.feedback.drivers import (
    PERIODS,
    InsightFilter,
    driver_action_effects,
    insight_filter,
    insights_overview,
    responses_of_driver,
)
from kundennah.feedback.insights import latest_run, run_in_progress
from kundennah.feedback.models import DriverAction, TextModel
from kundennah.feedback.selectors import responses_visible_to
from kundennah.feedback.services import driver_action_create, driver_action_done
from kundennah.timeline.models import Interaction


class DriverActionForm(BootstrapFormMixin):
    title = forms.CharField(label=gettext_lazy("Task"), max_length=300)
    owner = forms.ModelChoiceField(label=gettext_lazy("Owner"), queryset=User.objects.none())
    due_on = forms.DateField(label=gettext_lazy("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(is_active=True).exclude(role=User.Role.CUSTOMER).order_by(
            "first_name", "last_name", "username")


def _filter(request: HttpRequest) -> InsightFilter:
    return insight_filter(months=request.GET.get("months"), team=request.GET.get("team"),
                          channel=request.GET.get("channel"), site=request.GET.get("site"))


@staff_required("feedback.view_insights")
def insights(request: HttpRequest) -> HttpResponse:
    flt = _filter(request)
    overview = insights_overview(user=request.user, flt=flt)
    actions = list(DriverAction.objects.select_related("owner").order_by("state", "-created_at")[:20])
    running = run_in_progress()
    chart = {
        "months": [row["month"].strftime("%m/%Y") for row in overview.monthly],
        "mean": [row["mean"] for row in overview.monthly],
        "fulfilment": [round(row["fulfilment_rate"] * 100, 1) for row in overview.monthly],
        "drivers": [[d.label[:40], d.impact] for d in overview.drivers],
        "labels": {"mean": _("Mean balance"), "fulfilment": _("Fulfilled (%)"), "impact": _("Impact (points)")},
    }
    return render(request, "feedback/insights.html", {
        "o": overview, "chart": chart, "nav": "insights", "periods": PERIODS,
        "teams": Team.objects.order_by("name"), "channels": Interaction.Channel.choices,
        "sites": Site.objects.filter(pk=flt.site_id) if flt.site_id else [],
        "effects": driver_action_effects(user=request.user, actions=actions), "running": running,
        "model": TextModel.objects.order_by("-created_at").first(), "form": DriverActionForm(),
    })


@staff_required("feedback.view_insights")
def run_status(request: HttpRequest) -> HttpResponse:
    """Polled while a run is going: shows progress, reloads the page when it is done."""
    running = run_in_progress()
    response = render(request, "feedback/_run_status.html", {"running": running, "run": latest_run()})
    if running is None:
        response["HX-Refresh"] = "true"
    return response


@require_POST
@staff_required("feedback.act_on_insights")
def recompute(request: HttpRequest) -> HttpResponse:
    from kundennah.feedback.tasks import insights_recompute_task

    insights_recompute_task(request.user.pk)
    messages.info(request, _("The insights are being computed again. This page updates itself when they are ready."))
    return redirect("feedback:insights")


@require_POST
@staff_required("feedback.act_on_insights")
def retrain(request: HttpRequest) -> HttpResponse:
    from kundennah.feedback.services import sentiment_retrain

    try:
        model = sentiment_retrain(actor=request.user)
    except DomainValidationError as exc:
        messages.error(request, " ".join(str(e.message) for e in exc.errors))
    else:
        messages.success(request, _("The tone model learned from %(count)d rated comments: %(accuracy)s %% right "
                                    "(always guessing the most common answer: %(baseline)s %%).") % {
            "count": model.trained_on, "accuracy": round((model.accuracy or 0) * 100, 1),
            "baseline": round((model.baseline or 0) * 100, 1)})
    return redirect("feedback:insights")


@require_POST
@staff_required("feedback.act_on_insights")
def action_create(request: HttpRequest) -> HttpResponse:
    form = DriverActionForm(request.POST)
    if form.is_valid():
        try:
            driver_action_create(actor=request.user, dimension=request.POST.get("dimension", ""),
                                 value=request.POST.get("value", ""), label=request.POST.get("label", ""),
                                 **form.cleaned_data)
        except DomainValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("The task is created. Its effect on the balance shows below."))
            return redirect("feedback:insights")
    messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect("feedback:insights")


@require_POST
@staff_required("feedback.act_on_insights")
def action_done(request: HttpRequest, action_id: int) -> HttpResponse:
    action = get_object_or_404(DriverAction, pk=action_id)
    driver_action_done(actor=request.user, action=action)
    return redirect("feedback:insights")


@staff_required("feedback.export_feedback")
def responses_csv(request: HttpRequest) -> HttpResponse:
    """Every answer the user may see in the chosen months, formula-safe."""
    flt = _filter(request)
    rows = responses_of_driver(user=request.user, dimension="all", value="", flt=flt).select_related(
        "survey", "survey__concern", "customer", "site", "team", "category").order_by("contact_at")
    header = [_("Contact"), _("After"), _("Reference"), _("Customer number"), _("Customer"), _("Site"), _("Team"),
              _("Channel"), _("Category"), _("Fulfilled"), _("Feeling (1–5)"), _("Balance"), _("Comment"),
              _("Tone"), _("Topic")]
    buffer = io.BytesIO()
    csv_write(buffer, header, (
        [timezone.localtime(r.contact_at).strftime("%Y-%m-%d %H:%M"), r.survey.get_trigger_display(),
         r.survey.concern.reference if r.survey.concern else r.survey.subject,
         r.customer.number if r.customer else "", r.customer.display_name if r.customer else "",
         r.site.name if r.site else "", r.team.name if r.team else "", r.get_channel_display(),
         r.category.name if r.category else "", r.get_fulfilled_display(), r.feeling, r.balance, r.comment,
         r.get_sentiment_display() if r.sentiment else "", r.topic]
        for r in rows.iterator(chunk_size=2000)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rueckmeldungen-{timezone.localdate():%Y-%m-%d}.csv"'
    return response


@staff_required("feedback.export_feedback")
def balances_csv(request: HttpRequest) -> HttpResponse:
    """Running balance and trend of every customer with an answer the user may see."""
    from kundennah.feedback.models import CustomerBalance

    visible_customers = responses_visible_to(request.user).values("customer_id")
    rows = CustomerBalance.objects.filter(customer_id__in=visible_customers).select_related("customer").order_by(
        "running")
    header = [_("Customer number"), _("Customer"), _("Running balance"), _("Change over the last three answers"),
              _("Answers"), _("Last answered contact")]
    buffer = io.BytesIO()
    csv_write(buffer, header, (
        [b.customer.number, b.customer.display_name, round(b.running, 1),
         "" if b.earlier is None else round(b.running - b.earlier, 1), b.answers,
         timezone.localtime(b.last_contact_at).strftime("%Y-%m-%d")]
        for b in rows.iterator(chunk_size=2000)))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="bilanzen-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
