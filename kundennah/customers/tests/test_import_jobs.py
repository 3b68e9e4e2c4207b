"""The import service: what ends up in the record, what is refused, and nothing half-imported."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import Workbook

from kundennah.core.errors import DomainValidationError
from kundennah.core.models import Event, Sequence
from kundennah.customers import services
from kundennah.customers.importing import checking, jobs
from kundennah.customers.importing.sample import sample_csv
from kundennah.customers.importing.staging import Staging
from kundennah.customers.importing.writing import CustomerWriter
from kundennah.customers.inputs import AddressInput, CustomerInput, ProfileInput
from kundennah.customers.models import (
    BankAccount,
    ContactPoint,
    Customer,
    ImportJob,
    SearchKey,
    Site,
)
from kundennah.customers.search import customer_ids_matching, query_parse
from kundennah.customers.tests import factories

pytestmark = pytest.mark.django_db

IBAN_1 = factories.IBAN_COMMERZBANK
IBAN_2 = factories.IBAN_SPARKASSE


def csv_bytes(
    table: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8-sig"
) -> bytes:
    text = io.StringIO()
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(table)
    return text.getvalue().encode(encoding)


def xlsx_bytes(table: list[list[object]]) -> bytes:
    workbook = Workbook()
    for line in table:
        workbook.active.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def run_import(team_lead, django_capture_on_commit_callbacks):
    """Upload, keep the suggested mapping (or the given one), start; the task runs inline."""

    def run(
        data: bytes, *, name: str = "kunden.csv", mode: str = "all_valid", actor=None, mapping=None
    ) -> ImportJob:
        user = actor or team_lead
        upload = SimpleUploadedFile(name, data)
        job = jobs.import_job_create(actor=user, upload=upload, mode=mode)
        with django_capture_on_commit_callbacks(execute=True):
            jobs.import_job_start(
                actor=user, job=job, mapping=mapping if mapping is not None else dict(job.mapping)
            )
        job.refresh_from_db()
        return job

    return run


PEOPLE = [
    [
        "Kundennummer",
        "Art",
        "Anrede",
        "Titel",
        "Vorname",
        "Nachname",
        "Geburtsdatum",
        "E-Mail",
        "Telefon",
        "Mobil",
        "Straße",
        "PLZ",
        "Ort",
        "Land",
        "IBAN",
        "Mandatsreferenz",
        "Mandat unterschrieben am",
        "Sprache",
    ],
    [
        "",
        "Person",
        "Frau",
        "Dr.",
        "Erika",
        "Müller",
        "12.08.1964",
        "Erika.Mueller@Example.DE",
        "030 1234567",
        "0151 23456789",
        "Heidestraße 17",
        "51147",
        "Köln",
        "Deutschland",
        IBAN_1,
        "M-1",
        "01.03.2021",
        "Deutsch",
    ],
    [
        "",
        "Person",
        "Herr",
        "",
        "Jürgen",
        "Weiß",
        "",
        "",
        "+49 89 4567890",
        "",
        "Königstraße 5",
        "80331",
        "München",
        "",
        "",
        "",
        "",
        "Englisch",
    ],
]


def test_people_are_imported_as_the_services_would_create_them(run_import, team_lead):
    job = run_import(csv_bytes(PEOPLE))
    assert (job.status, job.total_rows, job.valid_rows, job.error_rows) == ("done", 2, 2, 0)
    assert (job.customers_created, job.contact_points_created, job.bank_accounts_created) == (
        2,
        6,
        1,
    )
    assert job.failure_message == "" and not job.error_report and job.finished_at is not None

    erika = Customer.objects.get(last_name="Müller")
    assert (erika.kind, erika.salutation, erika.title, erika.first_name) == (
        "person",
        "ms",
        "Dr.",
        "Erika",
    )
    assert (str(erika.birth_date), erika.language, erika.display_name) == (
        "1964-08-12",
        "de",
        "Dr. Erika Müller",
    )
    assert erika.number == "K-100001"
    assert Customer.objects.get(last_name="Weiß").language == "en"
    points = {(p.kind, p.label, p.value, p.is_primary) for p in erika.contact_points.all()}
    assert points == {
        ("email", "", "Erika.Mueller@example.de", True),
        ("phone", "", "+49301234567", True),
        ("phone", "mobile", "+4915123456789", False),
        ("postal", "", "Heidestraße 17, 51147 Köln", True),
    }
    account = BankAccount.objects.get(customer=erika)
    assert (
        account.iban,
        account.holder,
        account.mandate_reference,
        str(account.mandate_signed_on),
    ) == (
        IBAN_1,
        "Dr. Erika Müller",
        "M-1",
        "2021-03-01",
    )
    assert account.bic and account.bank_name  # completed from the bank register, as the services do

    # Audit history names the importing user; the outbox has one event per customer and a summary.
    assert erika.history.get().history_user == team_lead
    assert ContactPoint.history.filter(customer_id=erika.pk).count() == 4
    assert Event.objects.filter(name="customer.created", aggregate_id=str(erika.pk)).count() == 1
    summary = Event.objects.get(name="customers.imported")
    assert (summary.aggregate_id, summary.payload["customers"], summary.actor) == (
        str(job.pk),
        2,
        team_lead,
    )


def test_import_and_the_agent_ui_write_the_same_record(run_import):
    table = [
        ["Vorname", "Nachname", "E-Mail", "Telefon", "Straße", "PLZ", "Ort"],
        [
            "Hans",
            "Müller",
            "hans@example.de",
            "030 1234567",
            "Invalidenstraße 1",
            "10115",
            "Berlin",
        ],
    ]
    run_import(csv_bytes(table))
    imported = Customer.objects.get()
    by_hand = services.customer_create(
        actor=None,
        data=CustomerInput(
            profile=ProfileInput(kind="person", first_name="Hans", last_name="Müller"),
            emails=["hans@example.de"],
            phones=["030 1234567"],
            addresses=[
                AddressInput(street="Invalidenstraße 1", postal_code="10115", city="Berlin")
            ],
        ),
    )
    fields = [
        "kind",
        "status",
        "salutation",
        "title",
        "first_name",
        "last_name",
        "birth_date",
        "name",
        "display_name",
        "language",
        "website",
        "version",
    ]
    assert [getattr(imported, f) for f in fields] == [getattr(by_hand, f) for f in fields]

    def points(customer):
        return sorted(
            ContactPoint.objects.filter(customer=customer).values_list(
                "kind",
                "label",
                "value",
                "street",
                "postal_code",
                "city",
                "country",
                "is_primary",
                "status",
            )
        )

    def keys(customer):
        return sorted(
            (k, v)
            for k, v in SearchKey.objects.filter(customer=customer).values_list("kind", "key")
            if k != SearchKey.Kind.NUMBER
        )

    assert points(imported) == points(by_hand)
    assert keys(imported) == keys(by_hand)


def test_windows_1252_csv_with_umlauts(run_import):
    job = run_import(csv_bytes(PEOPLE, encoding="cp1252"))
    assert (job.encoding, job.status, job.valid_rows) == ("cp1252", "done", 2)
    assert set(Customer.objects.values_list("display_name", flat=True)) == {
        "Dr. Erika Müller",
        "Jürgen Weiß",
    }
    assert ContactPoint.objects.filter(street="Königstraße 5", city="München").exists()


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_semicolon_comma_and_tab_separated_files(run_import, delimiter):
    job = run_import(csv_bytes(PEOPLE, delimiter=delimiter, encoding="utf-8"))
    assert (job.delimiter, job.status, job.customers_created) == (delimiter, "done", 2)


def test_xlsx(run_import):
    table: list[list[object]] = [
        [
            "Kundennummer",
            "Vorname",
            "Nachname",
            "PLZ",
            "Ort",
            "Straße",
            "IBAN",
            "Mandatsreferenz",
            "Mandatsdatum",
        ],
        [
            4711,
            "Jürgen",
            "Müller",
            1067,
            "Dresden",
            "Prager Straße 2",
            IBAN_1,
            "M-4711",
            "2021-03-01 00:00:00",
        ],
    ]
    job = run_import(xlsx_bytes(table), name="kunden.xlsx")
    assert (job.kind, job.status, job.customers_created) == ("xlsx", "done", 1)
    customer = Customer.objects.get()
    assert customer.number == "4711"
    # Excel turned the postcode 01067 into the number 1067.
    assert customer.contact_points.get(kind="postal").postal_code == "01067"
    assert str(BankAccount.objects.get().mandate_signed_on) == "2021-03-01"


ORGANISATION_ROWS = [
    [
        "Kundennummer",
        "Firma",
        "Rechtsform",
        "E-Mail",
        "Telefon",
        "Straße",
        "PLZ",
        "Ort",
        "Standort",
        "Standort-Code",
        "Lieferadresse Straße",
        "Lieferadresse PLZ",
        "Lieferadresse Ort",
        "Rechnungsadresse Straße",
        "Rechnungsadresse PLZ",
        "Rechnungsadresse Ort",
        "IBAN",
    ],
    [
        "D-10001",
        "Druckerei Beispiel",
        "GmbH",
        "info@druckerei.example",
        "089 4567890",
        "Hauptstraße 5",
        "86150",
        "Augsburg",
        "Zentrale",
        "S01",
        "",
        "",
        "",
        "",
        "",
        "",
        IBAN_1,
    ],
    [
        "D-10001",
        "Druckerei Beispiel",
        "GmbH",
        "info@druckerei.example",
        "089 4567890",
        "Hauptstraße 5",
        "86150",
        "Augsburg",
        "Lager Gersthofen",
        "S02",
        "Industriestraße 12",
        "86368",
        "Gersthofen",
        "Hauptstraße 5",
        "86150",
        "Augsburg",
        IBAN_1,
    ],
    [
        "D-10002",
        "Bäckerei Schmidt",
        "e.K.",
        "",
        "",
        "Marktplatz 1",
        "10115",
        "Berlin",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    [
        "D-10001",
        "Druckerei Beispiel",
        "GmbH",
        "einkauf@druckerei.example",
        "",
        "Hauptstraße 5",
        "86150",
        "Augsburg",
        "Filiale Ulm",
        "S03",
        "Münsterplatz 1",
        "89073",
        "Ulm",
        "",
        "",
        "",
        IBAN_2,
    ],
]


def test_rows_with_the_same_number_become_one_customer_with_several_sites(run_import):
    job = run_import(csv_bytes(ORGANISATION_ROWS))
    assert (job.status, job.valid_rows, job.customers_created, job.sites_created) == (
        "done",
        4,
        2,
        3,
    )
    druckerei = Customer.objects.get(number="D-10001")
    assert (druckerei.kind, druckerei.display_name) == ("organisation", "Druckerei Beispiel GmbH")
    sites = {
        s.code: s
        for s in Site.objects.filter(organisation=druckerei).select_related("bank_account")
    }
    assert set(sites) == {"S01", "S02", "S03"}
    # Without delivery columns the site is at the row's address, delivered to the organisation.
    assert (sites["S01"].delivery_street, sites["S01"].delivery_city) == (
        "Hauptstraße 5",
        "Augsburg",
    )
    assert sites["S01"].delivery_recipient == "Druckerei Beispiel GmbH"
    assert (sites["S02"].delivery_city, sites["S02"].invoice_city) == ("Gersthofen", "Augsburg")
    assert not sites["S01"].has_own_invoice_address
    # Two sites pay from one account; the third from its own.
    assert sites["S01"].bank_account == sites["S02"].bank_account
    assert sites["S03"].bank_account.iban == IBAN_2
    assert BankAccount.objects.filter(customer=druckerei).count() == 2
    # The email and phone repeated on each row are there once; the new email of row 5 is added.
    emails = list(
        druckerei.contact_points.filter(kind="email")
        .order_by("id")
        .values_list("value", "is_primary")
    )
    assert emails == [("info@druckerei.example", True), ("einkauf@druckerei.example", False)]
    assert druckerei.contact_points.filter(kind="phone").count() == 1
    assert druckerei.contact_points.filter(kind="postal").count() == 1
    assert Customer.objects.get(number="D-10002").sites.count() == 0


def test_imported_customers_are_found_by_search(run_import):
    run_import(csv_bytes(PEOPLE))
    run_import(csv_bytes(ORGANISATION_ROWS))
    erika = Customer.objects.get(last_name="Müller")
    druckerei = Customer.objects.get(number="D-10001")

    def found(query: str) -> list[int]:
        return customer_ids_matching(query_parse(query), limit=10)

    assert erika.pk in found("030 1234567")
    assert erika.pk in found("+49 151 23456789")
    assert erika.pk in found(IBAN_1[:4] + " " + IBAN_1[4:])
    assert erika.pk in found("Mueller")
    assert erika.pk in found("erika.mueller@example.de")
    assert erika.pk in found(erika.number)
    assert druckerei.pk in found("Druckerei")
    assert druckerei.pk in found("Gersthofen")  # a site's name
    assert druckerei.pk in found(IBAN_2)
    assert druckerei.pk in found("89073")  # a site's postcode
    assert druckerei.pk in found("D-10001")


BAD_ROWS = [
    ["Kundennummer", "Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Ort", "Straße", "IBAN"],
    ["", "Anna", "Schmidt", "anna@example.de", "030 1234567", "10115", "Berlin", "Weg 1", ""],
    ["", "Bernd", "", "bernd@", "12", "1011", "Berlin", "Weg 2", "DE00123"],
    ["", "Carla", "Weber", "", "", "", "", "", ""],
    ["", '=HYPERLINK("http://evil.example")', "Dorn", "@SUM(A1)", "+49 30", "", "", "", ""],
]


def test_all_valid_imports_the_good_rows_and_reports_the_bad_ones(run_import):
    job = run_import(csv_bytes(BAD_ROWS))
    assert (job.status, job.total_rows, job.valid_rows, job.error_rows, job.customers_created) == (
        "done",
        4,
        2,
        2,
        2,
    )
    assert set(Customer.objects.values_list("last_name", flat=True)) == {"Schmidt", "Weber"}
    by_code = {(e["row"], e["column"], e["code"]) for e in job.error_sample}
    assert by_code >= {
        (3, "Nachname", "required"),
        (3, "E-Mail", "invalid_email"),
        (3, "Telefon", "invalid_phone"),
        (3, "IBAN", "invalid_iban"),
        (5, "E-Mail", "invalid_email"),
        (5, "Telefon", "invalid_phone"),
    }
    assert all(e["message"] for e in job.error_sample)


def test_error_report_is_a_formula_safe_csv_for_german_excel(run_import):
    job = run_import(csv_bytes(BAD_ROWS))
    raw = job.error_report.open("rb").read()
    assert raw.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(lines[0]) == 5  # row, column, value, code, message (in the user's language)
    body = lines[1:]
    assert len(body) == job.error_sample.__len__() or len(body) >= 6
    assert ["3", "Nachname", "", "required", "Bitte geben Sie den Nachnamen ein."] in body
    values = {line[2] for line in body}
    assert "'@SUM(A1)" in values and "'+49 30" in values
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for line in body for cell in line
    )


def test_all_or_nothing_imports_nothing_when_one_row_is_bad(run_import):
    job = run_import(csv_bytes(BAD_ROWS), mode="all_or_nothing")
    assert (job.status, job.valid_rows, job.error_rows, job.customers_created) == (
        "rejected",
        2,
        2,
        0,
    )
    assert Customer.objects.count() == 0
    assert job.error_report
    assert not Event.objects.filter(name="customers.imported").exists()


def test_all_or_nothing_imports_a_clean_file(run_import):
    job = run_import(csv_bytes(PEOPLE), mode="all_or_nothing")
    assert (job.status, job.customers_created) == ("done", 2)


def test_existing_customer_numbers_are_reported_and_left_alone(run_import, agent):
    existing = factories.person(agent, number="D-10002", first_name="Otto", last_name="Vorher")
    job = run_import(csv_bytes(ORGANISATION_ROWS))
    assert (job.valid_rows, job.error_rows, job.customers_created) == (3, 1, 1)
    assert [(e["row"], e["column"], e["value"], e["code"]) for e in job.error_sample] == [
        (4, "Kundennummer", "D-10002", "duplicate_number"),
    ]
    existing.refresh_from_db()
    assert (existing.display_name, existing.version) == ("Otto Vorher", 1)


def test_one_number_for_two_different_customers_is_an_error(run_import):
    table = [
        ["Kundennummer", "Vorname", "Nachname"],
        ["7", "Anna", "Schmidt"],
        ["7", "Bernd", "Meier"],
        ["7", "anna", "SCHMIDT"],
    ]
    job = run_import(csv_bytes(table))
    assert (job.valid_rows, job.error_rows, job.customers_created) == (2, 1, 1)
    assert [(e["row"], e["code"]) for e in job.error_sample] == [(3, "number_conflict")]
    assert "Anna Schmidt" in job.error_sample[0]["message"]


def test_one_site_code_for_two_different_sites_is_an_error(run_import):
    table = [row[:] for row in ORGANISATION_ROWS[:3]]
    table[2][9] = "S01"
    job = run_import(csv_bytes(table))
    assert [(e["row"], e["column"], e["code"]) for e in job.error_sample] == [
        (3, "Standort-Code", "duplicate_site_code")
    ]
    assert job.sites_created == 1


def test_rows_with_a_wrong_number_of_columns(run_import):
    data = (
        b"Vorname;Nachname;Titel\r\nAnna;Schmidt;Dr.\r\nBernd;Meier\r\n"
        b"Carla;Weber;;extra\r\nDora;Kurz;;;\r\n"
    )
    job = run_import(data)
    assert (job.valid_rows, job.error_rows) == (2, 2)
    assert [(e["row"], e["code"]) for e in job.error_sample] == [
        (3, "wrong_column_count"),
        (4, "wrong_column_count"),
    ]


def test_spreadsheet_spellings_and_their_errors(run_import):
    table = [
        ["Art", "Anrede", "Vorname", "Nachname", "Firma", "Sprache", "Geburtsdatum", "Standort"],
        ["Privatkunde", "Herr Dr.", "Max", "Muster", "", "EN", "1980-02-29", ""],
        ["", "Firma", "", "", "Muster AG", "deutsch", "", ""],
        ["Alien", "Majestät", "X", "Y", "", "Klingonisch", "31.02.1980", ""],
        ["Person", "", "Paul", "Privat", "", "", "", "Filiale"],
    ]
    job = run_import(csv_bytes(table))
    assert job.valid_rows == 2
    max_ = Customer.objects.get(last_name="Muster")
    assert (max_.kind, max_.salutation, max_.language, str(max_.birth_date)) == (
        "person",
        "mr",
        "en",
        "1980-02-29",
    )
    assert Customer.objects.get(name="Muster AG").kind == "organisation"
    assert {(e["row"], e["column"], e["code"]) for e in job.error_sample} == {
        (4, "Art", "invalid_choice"),
        (4, "Anrede", "invalid_choice"),
        (4, "Sprache", "invalid_choice"),
        (4, "Geburtsdatum", "invalid_date"),
        (5, "Standort", "sites_only_for_organisations"),
    }


def test_messages_are_in_the_language_of_the_importing_user(run_import, team_lead):
    team_lead.language = "en"
    team_lead.save(update_fields=["language"])
    job = run_import(csv_bytes(BAD_ROWS))
    assert "Please enter the last name." in {e["message"] for e in job.error_sample}


def test_numbers_of_the_file_in_the_counters_format_move_the_counter_on(run_import):
    table = [["Kundennummer", "Nachname"], ["K-100050", "Schmidt"], ["", "Meier"]]
    run_import(csv_bytes(table))
    assert Customer.objects.get(last_name="Meier").number == "K-100051"
    assert Sequence.objects.get(name="customer_number").last_value == 100051


def test_numbers_given_to_hand_made_customers_are_skipped(run_import, agent):
    factories.person(
        agent, number="K-100001", last_name="Vorher"
    )  # the counter does not know this one
    run_import(csv_bytes([["Nachname"], ["Neu"]]))
    assert Customer.objects.get(last_name="Neu").number == "K-100002"


def test_a_retried_task_does_not_import_twice(run_import):
    job = run_import(csv_bytes(PEOPLE))
    jobs.import_job_run(job_id=job.pk)
    jobs.import_job_run(job_id=job.pk)
    assert Customer.objects.count() == 2
    job.refresh_from_db()
    assert (job.status, job.customers_created) == ("done", 2)
    with pytest.raises(DomainValidationError) as caught:
        jobs.import_job_start(actor=job.created_by, job=job, mapping=dict(job.mapping))
    assert caught.value.errors[0].code == "already_started"


def test_an_error_while_writing_rolls_everything_back(run_import, monkeypatch):
    flushes = []
    original = CustomerWriter.flush

    def failing_flush(self):
        original(self)
        flushes.append(1)
        if len(flushes) == 2:
            raise RuntimeError("disk full")

    monkeypatch.setattr(CustomerWriter, "flush", failing_flush)
    monkeypatch.setitem(CustomerWriter.__init__.__kwdefaults__, "batch", 1)
    job = run_import(csv_bytes(PEOPLE + PEOPLE[1:]))
    assert len(flushes) == 2  # the first customers were written before the failure …
    assert job.status == "failed"
    assert job.failure_message
    # … and are gone with everything that belongs to them.
    assert Customer.objects.count() == 0
    assert (
        ContactPoint.objects.count()
        == SearchKey.objects.count()
        == BankAccount.objects.count()
        == 0
    )
    assert Customer.history.count() == 0
    assert not Event.objects.filter(name__startswith="customer").exists()
    assert job.customers_created == 0


def test_a_number_taken_while_the_import_runs_fails_the_whole_import(
    run_import, monkeypatch, agent
):
    original = Staging.finish_checking

    def someone_is_faster(self):
        original(self)
        factories.person(agent, number="D-10001", last_name="Schneller")

    monkeypatch.setattr(Staging, "finish_checking", someone_is_faster)
    job = run_import(csv_bytes(ORGANISATION_ROWS))
    assert job.status == "failed"
    assert "D-10001" in job.failure_message
    assert list(Customer.objects.values_list("last_name", flat=True)) == ["Schneller"]


def test_the_sample_file_imports_without_errors(run_import):
    job = run_import(sample_csv())
    assert (job.status, job.error_rows, job.customers_created, job.sites_created) == (
        "done",
        0,
        2,
        2,
    )


def test_checking_in_helper_processes_gives_the_same_result(run_import, monkeypatch, settings):
    inline = run_import(csv_bytes(BAD_ROWS))
    settings.IMPORT_CHECK_PROCESSES = 2
    monkeypatch.setattr(checking, "PARALLEL_MIN_ROWS", 1)
    monkeypatch.setattr(checking, "CHUNK_ROWS", 2)
    parallel = run_import(csv_bytes(BAD_ROWS))
    assert (parallel.valid_rows, parallel.error_rows, parallel.customers_created) == (2, 2, 2)
    assert parallel.error_sample == inline.error_sample
    first, second = Customer.objects.filter(last_name="Schmidt").order_by("id")

    def keys(customer):
        return {
            (k, v)
            for k, v in SearchKey.objects.filter(customer=customer).values_list("kind", "key")
            if k != SearchKey.Kind.NUMBER
        }

    assert keys(first) == keys(second) != set()


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1000)
def test_too_large_upload_is_refused_and_nothing_is_stored(team_lead, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    upload = SimpleUploadedFile("gross.csv", csv_bytes(PEOPLE * 20))
    with pytest.raises(DomainValidationError) as caught:
        jobs.import_job_create(actor=team_lead, upload=upload, mode="all_valid")
    assert (caught.value.errors[0].field, caught.value.errors[0].code) == ("file", "file_too_large")
    assert ImportJob.objects.count() == 0
    assert not list(tmp_path.rglob("*.*"))


def test_malformed_upload_is_refused_and_nothing_is_stored(team_lead, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    upload = SimpleUploadedFile("kaputt.csv", b'Vorname;Nachname\nAnna;"Schmidt\n')
    with pytest.raises(DomainValidationError) as caught:
        jobs.import_job_create(actor=team_lead, upload=upload, mode="all_valid")
    assert caught.value.errors[0].code == "malformed_csv"
    assert ImportJob.objects.count() == 0
    assert not list(tmp_path.rglob("*.*"))


def test_the_uploaded_file_is_deleted_when_the_job_has_finished(run_import):
    job = run_import(csv_bytes(PEOPLE))
    assert job.file.name == ""


def test_a_database_error_while_writing_fails_the_job_and_keeps_nothing(run_import, monkeypatch):
    from django.db import DatabaseError

    from kundennah.customers.importing.tables import TableWriter

    original = TableWriter._insert

    def broken(self, shape, rows):
        if shape.table == SearchKey._meta.db_table:
            raise DatabaseError("connection lost")
        original(self, shape, rows)

    monkeypatch.setattr(TableWriter, "_insert", broken)
    job = run_import(csv_bytes(PEOPLE))
    assert job.status == "failed"
    assert job.failure_message
    assert Customer.objects.count() == ContactPoint.objects.count() == 0
    assert Customer.history.count() == 0


def test_abandoned_uploads_and_old_error_reports_are_deleted(run_import, team_lead):
    import datetime as dt

    from django.utils import timezone

    now = timezone.now()
    abandoned = jobs.import_job_create(
        actor=team_lead, upload=SimpleUploadedFile("alt.csv", csv_bytes(PEOPLE)), mode="all_valid"
    )
    fresh = jobs.import_job_create(
        actor=team_lead, upload=SimpleUploadedFile("neu.csv", csv_bytes(PEOPLE)), mode="all_valid"
    )
    ImportJob.objects.filter(pk=abandoned.pk).update(created_at=now - dt.timedelta(days=8))
    old = run_import(csv_bytes(BAD_ROWS))
    ImportJob.objects.filter(pk=old.pk).update(finished_at=now - dt.timedelta(days=31))
    storage, upload_name, report_name = (
        abandoned.file.storage,
        abandoned.file.name,
        old.error_report.name,
    )
    assert storage.exists(upload_name) and storage.exists(report_name)

    assert jobs.import_jobs_expire() == 2
    abandoned.refresh_from_db()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (abandoned.status, abandoned.file.name, bool(abandoned.failure_message)) == (
        "failed",
        "",
        True,
    )
    assert (old.error_report.name, old.error_sample) == ("", [])
    assert not storage.exists(upload_name) and not storage.exists(report_name)
    assert fresh.status == "uploaded" and fresh.file
    assert jobs.import_jobs_expire() == 0


def test_runs_lost_to_a_crash_are_resumed_once(team_lead):
    import datetime as dt

    from django.utils import timezone

    from kundennah.customers.tasks import import_jobs_resume_task

    now = timezone.now()

    def job_in(status: str, **times) -> ImportJob:
        job = jobs.import_job_create(
            actor=team_lead, upload=SimpleUploadedFile("k.csv", csv_bytes(PEOPLE)), mode="all_valid"
        )
        ImportJob.objects.filter(pk=job.pk).update(status=status, **times)
        return job

    lost_in_queue = job_in("queued", created_at=now - dt.timedelta(minutes=20))
    died = job_in("importing", started_at=now - dt.timedelta(hours=3))
    waiting = job_in("queued")
    running = job_in("validating", started_at=now - dt.timedelta(minutes=5))
    assert sorted(jobs.import_jobs_to_resume()) == sorted([lost_in_queue.pk, died.pk])

    import_jobs_resume_task()  # the tasks run inline in the tests
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses[lost_in_queue.pk] == statuses[died.pk] == "done"
    assert (statuses[waiting.pk], statuses[running.pk]) == ("queued", "validating")
    # PEOPLE has no customer numbers: each resumed job imported its two people exactly once.
    assert Customer.objects.count() == 4
    import_jobs_resume_task()
    assert Customer.objects.count() == 4


def test_a_file_without_a_single_valid_row_writes_nothing(run_import):
    job = run_import(csv_bytes([["Nachname", "E-Mail"], ["", "a@b.de"], ["Meier", "kaputt"]]))
    assert (job.status, job.valid_rows, job.error_rows, job.customers_created) == ("done", 0, 2, 0)
    assert not Event.objects.exists()
    assert job.error_report
