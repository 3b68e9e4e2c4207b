"""Measures dashboard and CSV export (team leads and admins), and the agent's presence switch."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kundennah.accounts.models import Team
from kundennah.core.csvsafe import csv_write
from kundennah.core.permissions import staff_required
from kundennah.service import selectors
from kundennah.service.measures import Measures, MeasuresQuery, measures_compute, measures_rows
from kundennah.service.models import AgentPresence, Category
from kundennah.service.sla import presence_of, presence_set
from kundennah.timeline.models import Interaction

MAX_DAYS = 366


class MeasuresForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.order_by("name"), required=False,
                                  empty_label=_("All"))
    channel = forms.ChoiceField(label=_("Channel"), required=False,
                                choices=[("", _("All")), *Interaction.Channel.choices])
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("All"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, item in self.fields.items():
            select = name in {"team", "channel", "category"}
            item.widget.attrs["class"] = "form-select form-select-sm" if select else "form-control form-control-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        default = MeasuresQuery.last_days(30)
        start, end = data.get("date_from") or default.date_from, data.get("date_to") or default.date_to
        if end < start:
            self.add_error("date_to", _("The end lies before the start."))
        elif (end - start).days >= MAX_DAYS:
            self.add_error("date_to", _("At most one year at a time."))
        data["date_from"], data["date_to"] = start, end
        return data

    def query(self) -> MeasuresQuery:
        if not self.is_valid():
            return MeasuresQuery.last_days(30)
        data = self.cleaned_data
        return MeasuresQuery(
            date_from=data["date_from"], date_to=data["date_to"], team_id=data["team"].pk if data["team"] else None,
            channel=data["channel"] or "", category_id=data["category"].pk if data["category"] else None,
        )


def _measures(request: HttpRequest) -> tuple[MeasuresForm, Measures]:
    form = MeasuresForm(request.GET or None)
    query = form.query()
    return form, measures_compute(query=query, visible=selectors.concerns_visible_to(request.user))


@staff_required("service.view_measures")
def measures(request: HttpRequest) -> HttpResponse:
    form, result = _measures(request)
    charts = {
        "kept_by_team": [[row.label, row.share] for row in result.kept_by_team],
        "kept_by_channel": [[row.label, row.share] for row in result.kept_by_channel],
        "backlog_by_age": [[label, count] for label, count in result.backlog_by_age],
        "backlog_by_status": [[label, count] for label, count in result.backlog_by_status],
    }
    return render(request, "service/measures.html", {
        "form": form, "m": result, "charts": charts, "nav": "measures",
        "csv_query": request.GET.urlencode(),
    })


@staff_required("service.view_measures")
def measures_csv(request: HttpRequest) -> HttpResponse:
    _form, result = _measures(request)
    buffer = io.BytesIO()
    csv_write(buffer, [_("Measure"), _("Group"), _("Figure"), _("Value")], measures_rows(result))
    query = result.query
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="kennzahlen-{query.date_from:%Y-%m-%d}-{query.date_to:%Y-%m-%d}.csv"'
    )
    return response


@require_http_methods(["GET", "POST"])
@staff_required("service.view_concern")
def presence(request: HttpRequest) -> HttpResponse:
    """GET: the switch (loaded into the navbar); POST: available / away / off."""
    if request.method == "POST":
        status = request.POST.get("status", "")
        if status not in AgentPresence.Status.values:
            return render(request, "service/_presence.html", _presence_context(request.user), status=422)
        presence_set(user=request.user, status=status)
        if request.headers.get("HX-Request") != "true":
            target = request.POST.get("next", "")
            safe = url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure())
            return redirect(target if safe and target else "service:inbox")
    return render(request, "service/_presence.html", _presence_context(request.user))


def _presence_context(user: Any) -> dict[str, Any]:
    return {"presence": presence_of(user), "choices": AgentPresence.Status.choices}
