"""Import benchmark: a realistic German customer file through the import service.

Generates a CSV as a German ERP or Excel export writes it (``;``, UTF-8 with BOM or
Windows-1252, national phone formats, one row per site of an organisation, valid IBANs from
schwifty and phone numbers valid per phonenumbers), then imports it through the same services
the pages use (``import_job_create``, ``import_job_start`` → ``import_job_run``) into a fresh
database, and prints wall time and peak memory.

    .venv/bin/python benchmarks/import_rows.py --rows 100000
    .venv/bin/python benchmarks/import_rows.py --rows 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/kn_import

The PostgreSQL database is emptied (``flush``) before the run. Peak memory is sampled from
/proc during the import only (generating the file is not measured), for this process and, when
rows are checked in helper processes, for each of them.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = [
    "Kundennummer",
    "Art",
    "Anrede",
    "Titel",
    "Vorname",
    "Nachname",
    "Geburtsdatum",
    "Firma",
    "Rechtsform",
    "USt-IdNr",
    "E-Mail",
    "Telefon",
    "Mobil",
    "Straße",
    "PLZ",
    "Ort",
    "Land",
    "Standort",
    "Standort-Code",
    "Lieferadresse Straße",
    "Lieferadresse PLZ",
    "Lieferadresse Ort",
    "IBAN",
    "Kontoinhaber",
    "Mandatsreferenz",
    "Mandat unterschrieben am",
    "Sprache",
]
_SALUTATION = {"ms": "Frau", "mr": "Herr", "diverse": "Divers", "": ""}
_COUNTRY = {"DE": "Deutschland", "AT": "Österreich", "CH": "Schweiz"}


def _national(e164: str) -> str:
    import phonenumbers

    number = phonenumbers.parse(e164, None)
    if number.country_code == 49:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def generate(
    path: Path, rows: int, *, seed: int, encoding: str, organisation_share: float
) -> dict[str, int]:
    """Write ``rows`` data rows; returns how many customers and sites they describe."""
    from kundennah.customers.seeding.generate import Generator

    gen = Generator(random.Random(seed))
    rng = gen.rng
    written = customers = sites = 0
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADERS)
        while written < rows:
            customers += 1
            number = f"{700000 + customers}"
            if rng.random() < organisation_share:
                spec = gen.organisation(
                    number=number, country="DE" if rng.random() < 0.85 else None
                )
                phones = [p for p in spec.phones if not p.is_mobile]
                mobiles = [p for p in spec.phones if p.is_mobile]
                for site in spec.sites[: rows - written]:
                    bank = spec.banks[site.bank_index or 0]
                    writer.writerow(
                        [
                            number,
                            "Firma",
                            "",
                            "",
                            "",
                            "",
                            "",
                            spec.name,
                            spec.legal_form,
                            spec.vat_id,
                            spec.emails[0],
                            _national(phones[0].e164) if phones else "",
                            _national(mobiles[0].e164) if mobiles else "",
                            spec.address.street if spec.address else "",
                            spec.address.postal_code if spec.address else "",
                            spec.address.city if spec.address else "",
                            _COUNTRY.get(spec.address.country, spec.address.country)
                            if spec.address
                            else "",
                            site.name,
                            site.code,
                            site.delivery.street,
                            site.delivery.postal_code,
                            site.delivery.city,
                            bank.iban,
                            "",
                            bank.mandate_reference,
                            _date(bank.mandate_signed_on),
                            "Deutsch",
                        ]
                    )
                    written += 1
                    sites += 1
            else:
                person = gen.person(country="DE" if rng.random() < 0.9 else None)
                phones = [p for p in person.phones if not p.is_mobile]
                mobiles = [p for p in person.phones if p.is_mobile]
                address = person.address
                iban = (
                    gen.bank(address.country if address else "DE").iban
                    if rng.random() < 0.5
                    else ""
                )
                writer.writerow(
                    [
                        # Half the people come without a number and are numbered by the import.
                        number if rng.random() < 0.5 else "",
                        "Person",
                        _SALUTATION[person.salutation],
                        person.title,
                        person.first_name,
                        person.last_name,
                        _date(person.birth_date),
                        "",
                        "",
                        "",
                        person.emails[0] if person.emails else "",
                        _national(phones[0].e164) if phones else "",
                        _national(mobiles[0].e164) if mobiles else "",
                        address.street if address else "",
                        address.postal_code if address else "",
                        address.city if address else "",
                        _COUNTRY.get(address.country, "") if address else "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        iban,
                        "",
                        "",
                        "",
                        "Englisch" if person.language == "en" else "Deutsch",
                    ]
                )
                written += 1
    return {"customers": customers, "sites": sites}


class PeakMemory:
    """Samples the resident set size of this process and its children five times a second."""

    def __init__(self) -> None:
        self.peak_self = 0
        self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss_kib(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    def _children(self) -> list[int]:
        try:
            text = Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_self = max(self.peak_self, self._rss_kib(os.getpid()))
            for pid in self._children():
                self.peak_children = max(self.peak_children, self._rss_kib(pid))
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` if it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL URL (emptied first); default: fresh SQLite"
    )
    parser.add_argument(
        "--encoding", default="utf-8-sig", help="utf-8-sig (Excel's CSV UTF-8) or cp1252"
    )
    parser.add_argument(
        "--organisations",
        type=float,
        default=0.15,
        help="share of customers that are organisations",
    )
    parser.add_argument(
        "--processes", type=int, default=0, help="helper processes for checking (0: all cores)"
    )
    parser.add_argument("--mode", default="all_valid", choices=["all_valid", "all_or_nothing"])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kundennah-import-bench-"))
    os.environ["KUNDENNAH_DATA_DIR"] = str(workdir)
    os.environ["HUEY_IMMEDIATE"] = "1"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kundennah.settings"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
        _create_database(args.database_url)
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import UploadedFile
    from django.core.management import call_command
    from django.db import connection

    from kundennah.accounts.models import User
    from kundennah.customers.importing.jobs import import_job_create, import_job_start
    from kundennah.customers.models import ContactPoint, Customer, ImportJob, SearchKey, Site

    if args.processes:
        settings.IMPORT_CHECK_PROCESSES = args.processes
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        call_command("flush", interactive=False, verbosity=0)
    lead = User.objects.create_user(
        username="bench_lead", password="x" * 12, role=User.Role.TEAM_LEAD
    )

    csv_path = workdir / "kunden.csv"
    started = time.perf_counter()
    shape = generate(
        csv_path,
        args.rows,
        seed=args.seed,
        encoding=args.encoding,
        organisation_share=args.organisations,
    )
    size = csv_path.stat().st_size
    print(
        f"generated {args.rows:,} rows ({shape['customers']:,} customers, "
        f"{shape['sites']:,} site rows), "
        f"{size / 1e6:.1f} MB {args.encoding} in {time.perf_counter() - started:.1f} s"
    )

    load_before = os.getloadavg()[0]
    cpu_before = os.times()
    with PeakMemory() as memory:
        started = time.perf_counter()
        with csv_path.open("rb") as handle:
            upload = UploadedFile(
                file=handle, name="kunden.csv", size=size, content_type="text/csv"
            )
            job = import_job_create(actor=lead, upload=upload, mode=args.mode)
        inspected = time.perf_counter()
        import_job_start(
            actor=lead, job=job, mapping=dict(job.mapping)
        )  # the task runs inline (immediate)
        finished = time.perf_counter()
    cpu = os.times()
    job = ImportJob.objects.get(pk=job.pk)
    checked_for = (
        job.started_at and job.finished_at and (job.finished_at - job.started_at).total_seconds()
    ) or 0

    print(f"database:        {connection.vendor} ({connection.settings_dict['NAME']})")
    print(f"status:          {job.status} {job.failure_message}")
    print(
        f"rows:            {job.total_rows:,} ({job.valid_rows:,} valid, "
        f"{job.error_rows:,} with errors)"
    )
    print(
        f"created:         {job.customers_created:,} customers, {job.sites_created:,} sites, "
        f"{job.contact_points_created:,} contact points, "
        f"{job.bank_accounts_created:,} bank accounts"
    )
    print(
        f"in the database: {Customer.objects.count():,} customers, {Site.objects.count():,} sites, "
        f"{ContactPoint.objects.count():,} contact points, "
        f"{SearchKey.objects.count():,} search keys"
    )
    print(
        f"upload check:    {inspected - started:.1f} s (encoding {job.encoding or '-'}, "
        f"delimiter {job.delimiter!r})"
    )
    print(f"import run:      {finished - inspected:.1f} s (job: {checked_for:.1f} s)")
    print(f"wall time:       {finished - started:.1f} s for {job.total_rows:,} rows")
    print(
        f"peak RSS:        {memory.peak_self / 1024:.0f} MiB (this process), "
        f"{memory.peak_children / 1024:.0f} MiB (largest checking process)"
    )
    print(
        f"CPU time:        {cpu.user - cpu_before.user + cpu.system - cpu_before.system:.1f} s "
        "(this process), "
        f"{cpu.children_user - cpu_before.children_user:.1f} s (checking processes); "
        f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
        f"({os.cpu_count()} cores)"
    )
    if job.error_sample:
        print("first errors:   ", job.error_sample[:3])


if __name__ == "__main__":
    main()
