"""Import pages: who may open them, and the way from upload to result through the browser's eyes."""

from __future__ import annotations

import codecs

import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import _user, client_for
from kundennah.accounts.models import User
from kundennah.customers.models import Customer, ImportJob

pytestmark = pytest.mark.django_db

GOOD = b"Vorname;Nachname;E-Mail\r\nAnna;Schmidt;anna@example.de\r\nBernd;;bernd@example.de\r\n"


@pytest.fixture
def other_lead(db, other_team) -> User:
    return _user("olga_otherlead", User.Role.TEAM_LEAD, other_team)


def upload(client, data: bytes = GOOD, name: str = "kunden.csv", mode: str = "all_valid"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("customers:import_start"), {"file": SimpleUploadedFile(name, data), "mode": mode}
    )


@pytest.fixture
def finished_job(lead_client, django_capture_on_commit_callbacks) -> ImportJob:
    response = upload(lead_client)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(
            reverse("customers:import_detail", args=[job.pk]),
            {"first_name": "0", "last_name": "1", "email": "2"},
        )
    job.refresh_from_db()
    assert job.status == "done" and job.error_report
    return job


def urls(job: ImportJob) -> list[str]:
    return [
        reverse("customers:import_start"),
        reverse("customers:import_start") + "?sample=csv",
        reverse("customers:import_detail", args=[job.pk]),
        reverse("customers:import_progress", args=[job.pk]),
        reverse("customers:import_errors", args=[job.pk]),
    ]


def test_anonymous_visitors_are_sent_to_login(client, finished_job):
    for url in urls(finished_job):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert upload(client).status_code == 302
    assert ImportJob.objects.count() == 1


@pytest.mark.parametrize("persona", ["customer_contact", "agent", "other_team_agent"])
def test_customer_contacts_and_agents_may_not_import(request, persona, finished_job):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(finished_job):
        assert client.get(url).status_code == 403, url
    assert upload(client).status_code == 403
    detail = reverse("customers:import_detail", args=[finished_job.pk])
    assert client.post(detail, {"last_name": "1"}).status_code == 403
    assert ImportJob.objects.count() == 1


def test_the_creator_sees_every_page(lead_client, finished_job):
    start, sample, detail, progress, errors = urls(finished_job)
    assert lead_client.get(start).status_code == 200
    assert lead_client.get(sample).status_code == 200
    assert lead_client.get(detail).status_code == 200
    assert lead_client.get(progress).status_code == 302  # not htmx: to the job page
    assert lead_client.get(progress, headers={"HX-Request": "true"})["HX-Redirect"] == detail
    assert lead_client.get(errors).status_code == 200


def test_another_team_lead_does_not_see_the_job(other_lead, finished_job):
    client = client_for(other_lead)
    start, _sample, detail, progress, errors = urls(finished_job)
    assert client.get(start).status_code == 200
    assert finished_job.original_name not in client.get(start).content.decode()
    for url in (detail, progress, errors):
        assert client.get(url, headers={"HX-Request": "true"}).status_code == 404, url
    assert client.post(detail, {"last_name": "1"}).status_code == 404


def test_admins_see_every_job(admin_user, finished_job):
    client = client_for(admin_user)
    start, sample, detail, progress, errors = urls(finished_job)
    for url in (start, sample, detail, errors):
        assert client.get(url).status_code == 200, url
    assert client.get(progress, headers={"HX-Request": "true"}).status_code == 200


def test_upload_mapping_and_result(lead_client, django_capture_on_commit_callbacks):
    start = lead_client.get(reverse("customers:import_start"))
    assert b'enctype="multipart/form-data"' in start.content

    response = upload(lead_client)
    job = ImportJob.objects.get()
    detail = reverse("customers:import_detail", args=[job.pk])
    assert response["Location"] == detail

    mapping = lead_client.get(detail)
    page = mapping.content.decode()
    assert mapping.status_code == 200
    assert "Schmidt" in page  # the preview
    assert (
        '<option value="1" selected>Nachname (Schmidt)</option>' in page
    )  # suggested from the header

    with django_capture_on_commit_callbacks(execute=True):
        response = lead_client.post(detail, {"first_name": "0", "last_name": "1", "email": "2"})
    assert response.status_code == 302
    result = lead_client.get(detail).content.decode()
    assert Customer.objects.get().last_name == "Schmidt"
    assert reverse("customers:import_errors", args=[job.pk]) in result
    assert "Bernd" not in Customer.objects.values_list("first_name", flat=True)


def test_a_mapping_without_names_is_refused_at_the_field(lead_client):
    upload(lead_client)
    job = ImportJob.objects.get()
    response = lead_client.post(reverse("customers:import_detail", args=[job.pk]), {"email": "2"})
    assert response.status_code == 422
    assert "is-invalid" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "uploaded"


def test_progress_while_running(lead_client, team_lead):
    upload(lead_client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status="validating", total_rows=200, processed_rows=50, valid_rows=45, error_rows=5
    )
    page = lead_client.get(reverse("customers:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page
    partial = lead_client.get(
        reverse("customers:import_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    text = partial.content.decode()
    assert partial.status_code == 200
    assert 'aria-valuenow="25"' in text
    assert "<html" not in text


def test_progress_of_the_writing_phase_comes_from_the_cache(lead_client):
    from django.core.cache import cache

    from kundennah.customers.importing.jobs import _progress_key

    upload(lead_client)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status="importing", total_rows=80, valid_rows=60)
    cache.set(
        _progress_key(job.pk),
        {"status": "importing", "processed": 30, "total": 60, "valid": 60, "errors": 20},
    )
    partial = lead_client.get(
        reverse("customers:import_progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert 'aria-valuenow="50"' in partial.content.decode()


def test_malformed_upload_gets_an_error_at_the_field(lead_client):
    response = upload(lead_client, b'Vorname;Nachname\nAnna;"Schmidt\n')
    assert response.status_code == 422
    assert 'id="id_file-error"' in response.content.decode()
    assert ImportJob.objects.count() == 0


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02garbage" * 100, b"PK\x03\x04broken"])
def test_unreadable_uploads_never_give_a_server_error(lead_client, data):
    response = upload(
        lead_client, data, name="kunden.xlsx" if data.startswith(b"PK") else "kunden.csv"
    )
    assert response.status_code == 422
    assert ImportJob.objects.count() == 0


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_too_large_upload_is_stopped_while_uploading(lead_client):
    response = upload(lead_client, GOOD * 100)
    assert response.status_code == 422
    assert "larger than" in response.content.decode() or "größer" in response.content.decode()
    assert ImportJob.objects.count() == 0


def test_error_report_download(lead_client, finished_job):
    response = lead_client.get(reverse("customers:import_errors", args=[finished_job.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert body.startswith(codecs.BOM_UTF8)
    assert ";required;" in body.decode("utf-8-sig")


def test_no_error_report_is_a_404(lead_client, django_capture_on_commit_callbacks):
    upload(lead_client, b"Nachname\r\nSchmidt\r\n")
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        lead_client.post(reverse("customers:import_detail", args=[job.pk]), {"last_name": "0"})
    assert lead_client.get(reverse("customers:import_errors", args=[job.pk])).status_code == 404


def test_sample_file_download(lead_client):
    response = lead_client.get(reverse("customers:import_start") + "?sample=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(codecs.BOM_UTF8)
    assert response.content.decode("utf-8-sig").startswith("Kundennummer;Art;")


@override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10)
def test_uploads_kept_in_a_temporary_file_are_read_the_same(lead_client):
    assert upload(lead_client).status_code == 302
    job = ImportJob.objects.get()
    assert (job.total_rows, job.headers) == (2, ["Vorname", "Nachname", "E-Mail"])
    with override_settings(FILE_UPLOAD_MAX_MEMORY_SIZE=10):
        data = "Vorname;Nachname\r\nJörg;Weiß\r\n".encode("cp1252")
        assert upload(lead_client, data).status_code == 302
    assert ImportJob.objects.latest("id").encoding == "cp1252"
