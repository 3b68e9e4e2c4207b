"""Import pages: upload, column mapping, progress while it runs, result and error report.

Thin: each view parses its input, makes one call into ``customers.importing.jobs`` and renders.
The job page shows the step the job is at (mapping, progress or result).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from kundennah.core.forms import form_submit
from kundennah.core.permissions import staff_required
from kundennah.customers.importing import jobs
from kundennah.customers.importing.forms import ImportMappingForm, ImportUploadForm
from kundennah.customers.importing.mapping import GROUPS, TARGETS, column_label
from kundennah.customers.importing.sample import sample_csv
from kundennah.customers.importing.uploads import SizeLimitUploadHandler
from kundennah.customers.models import ImportJob

PERM = "customers.import_customers"


@staff_required(PERM)
@csrf_exempt  # checked below, once the size limit is in place: the CSRF check reads the body
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    if request.GET.get("sample") == "csv":
        response = HttpResponse(sample_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="kundenimport-beispiel.csv"'
        return response
    limiter = SizeLimitUploadHandler(request, limit=settings.IMPORT_MAX_UPLOAD_BYTES)
    request.upload_handlers.insert(0, limiter)
    return _upload(request, limiter)


@csrf_protect
def _upload(request: HttpRequest, limiter: SizeLimitUploadHandler) -> HttpResponse:
    bound = request.method == "POST"
    form = ImportUploadForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        too_large=limiter.too_large,
    )
    if request.method == "POST":
        job = form_submit(
            form,
            lambda d: jobs.import_job_create(actor=request.user, upload=d["file"], mode=d["mode"]),
        )
        if job is not None:
            return redirect("customers:import_detail", job.pk)
    context = {
        "form": form,
        "nav": "import",
        "targets": TARGETS,
        "groups": GROUPS,
        "recent": jobs.import_jobs_recent(user=request.user),
    }
    return render(
        request, "customers/import/start.html", context, status=422 if form.is_bound else 200
    )


@staff_required(PERM)
@require_http_methods(["GET", "POST"])
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = jobs.import_job_get_for_user(user=request.user, job_id=job_id)
    context = {"job": job, "nav": "import"}
    if job.status != ImportJob.Status.UPLOADED:
        template = (
            "customers/import/result.html" if job.is_finished else "customers/import/progress.html"
        )
        return render(request, template, {**context, "progress": jobs.import_job_progress(job)})
    samples = jobs.import_job_preview(job)
    form = ImportMappingForm(
        request.POST or None, headers=job.headers, samples=samples, mapping=job.mapping
    )

    def start(_data: dict[str, Any]) -> ImportJob:
        return jobs.import_job_start(actor=request.user, job=job, mapping=form.mapping())

    started = form_submit(form, start) if request.method == "POST" else None
    if started is not None:
        return redirect("customers:import_detail", job.pk)
    columns = [column_label(job.headers, i) for i in range(len(job.headers))]
    context.update(form=form, samples=samples, columns=columns)
    return render(
        request, "customers/import/mapping.html", context, status=422 if form.is_bound else 200
    )


@staff_required(PERM)
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = jobs.import_job_get_for_user(user=request.user, job_id=job_id)
    page = reverse("customers:import_detail", args=[job.pk])
    if request.headers.get("HX-Request") != "true":
        return redirect(page)
    if job.is_finished or job.status == ImportJob.Status.UPLOADED:
        # Finished: the whole page turns into the result.
        response = HttpResponse()
        response["HX-Redirect"] = page
        return response
    return render(
        request,
        "customers/import/_progress.html",
        {"job": job, "progress": jobs.import_job_progress(job)},
    )


@staff_required(PERM)
@require_GET
def import_error_report(request: HttpRequest, job_id: int) -> FileResponse:
    job = jobs.import_job_get_for_user(user=request.user, job_id=job_id)
    if not job.error_report:
        raise Http404
    return FileResponse(
        job.error_report.open("rb"),
        as_attachment=True,
        filename=_("import-%(number)s-errors.csv") % {"number": job.pk},
        content_type="text/csv; charset=utf-8",
    )
