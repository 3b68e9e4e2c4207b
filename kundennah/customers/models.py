"""The central customer record: one row per person or organisation and all it holds with us.

Fields only and small predicates here; every write goes through ``customers.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kundennah.core.addresses import Address
from kundennah.core.banking import iban_format, iban_mask
from kundennah.core.phones import phone_display


class Versioned(models.Model):
    """Optimistic concurrency: every update names the version it read and bumps it."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Customer(Versioned):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")

    class Salutation(models.TextChoices):
        NONE = "", _("(none)")
        MS = "ms", _("Ms")
        MR = "mr", _("Mr")
        DIVERSE = "diverse", _("Diverse")

    number = models.CharField(_("customer number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    # person
    salutation = models.CharField(
        _("salutation"), max_length=10, choices=Salutation.choices, blank=True, default=""
    )
    title = models.CharField(_("title"), max_length=50, blank=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # organisation
    name = models.CharField(_("company name"), max_length=200, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=50, blank=True)
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    register_entry = models.CharField(_("commercial register"), max_length=100, blank=True)
    # both
    # Stored rather than derived at read time: lists at a million customers sort by it.
    display_name = models.CharField(_("name"), max_length=300, db_index=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="person") | Q(kind="organisation"), name="customer_kind_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.number})"

    @property
    def is_organisation(self) -> bool:
        return self.kind == self.Kind.ORGANISATION

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON

    def compose_display_name(self) -> str:
        if self.is_organisation:
            return " ".join(p for p in (self.name, self.legal_form) if p)
        return " ".join(p for p in (self.title, self.first_name, self.last_name) if p)


class ContactPoint(Versioned):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        POSTAL = "postal", _("Postal address")
        SOCIAL = "social", _("Social media")

    class Label(models.TextChoices):
        NONE = "", _("(none)")
        PRIVATE = "private", _("Private")
        WORK = "work", _("Work")
        MOBILE = "mobile", _("Mobile")
        BILLING = "billing", _("Billing")
        OTHER = "other", _("Other")

    class Network(models.TextChoices):
        NONE = "", _("(none)")
        LINKEDIN = "linkedin", "LinkedIn"
        XING = "xing", "XING"
        INSTAGRAM = "instagram", "Instagram"
        FACEBOOK = "facebook", "Facebook"
        X = "x", "X"
        MASTODON = "mastodon", "Mastodon"
        WHATSAPP = "whatsapp", "WhatsApp"
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FAILING = "failing", _("Failing")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("label"), max_length=10, choices=Label.choices, blank=True, default="")
    # Normalised: email with lower-case domain, phone in E.164, address on one line, social
    # as network:handle. Recognition across channels compares this value.
    value = models.CharField(_("value"), max_length=320)
    street = models.CharField(_("street"), max_length=200, blank=True)
    address_extra = models.CharField(_("address extra"), max_length=200, blank=True)
    postal_code = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    network = models.CharField(_("network"), max_length=20, choices=Network.choices, blank=True, default="")
    is_primary = models.BooleanField(_("primary"), default=False)
    is_verified = models.BooleanField(_("verified"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["kind", "-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind"], condition=Q(is_primary=True), name="contact_point_one_primary_per_kind"
            ),
            models.UniqueConstraint(fields=["customer", "kind", "value"], name="contact_point_unique_value"),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="contact_point_lookup_idx")]

    def __str__(self) -> str:
        return self.display_value

    @property
    def display_value(self) -> str:
        if self.kind == self.Kind.PHONE:
            return phone_display(self.value)
        if self.kind == self.Kind.SOCIAL:
            return self.value.split(":", 1)[-1]
        return self.value

    @property
    def address(self) -> Address | None:
        if self.kind != self.Kind.POSTAL:
            return None
        return Address(
            street=self.street, postal_code=self.postal_code, city=self.city,
            country=self.country, extra=self.address_extra,
        )


class BankAccount(Versioned):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="bank_accounts")
    holder = models.CharField(_("account holder"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34, db_index=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    bank_name = models.CharField(_("bank"), max_length=200, blank=True)
    mandate_reference = models.CharField(_("SEPA mandate reference"), max_length=35, blank=True)
    mandate_signed_on = models.DateField(_("mandate signed on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "iban"], name="bank_account_unique_per_customer")
        ]

    def __str__(self) -> str:
        return self.masked_iban

    @property
    def masked_iban(self) -> str:
        return iban_mask(self.iban)

    @property
    def formatted_iban(self) -> str:
        return iban_format(self.iban)

    @property
    def has_mandate(self) -> bool:
        return bool(self.mandate_reference and self.mandate_signed_on)


class Site(Versioned):
    """One location of an organisation with its own delivery and invoice address and account."""

    organisation = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("site name"), max_length=200)
    code = models.CharField(_("site code"), max_length=50, blank=True)
    delivery_recipient = models.CharField(_("delivery recipient"), max_length=200, blank=True)
    delivery_extra = models.CharField(_("delivery address extra"), max_length=200, blank=True)
    delivery_street = models.CharField(_("delivery street"), max_length=200)
    delivery_postal_code = models.CharField(_("delivery postcode"), max_length=20, db_index=True)
    delivery_city = models.CharField(_("delivery city"), max_length=100)
    delivery_country = models.CharField(_("delivery country"), max_length=2, default="DE")
    # Blank invoice street means: invoices go to the delivery address.
    invoice_recipient = models.CharField(_("invoice recipient"), max_length=200, blank=True)
    invoice_extra = models.CharField(_("invoice address extra"), max_length=200, blank=True)
    invoice_street = models.CharField(_("invoice street"), max_length=200, blank=True)
    invoice_postal_code = models.CharField(_("invoice postcode"), max_length=20, blank=True)
    invoice_city = models.CharField(_("invoice city"), max_length=100, blank=True)
    invoice_country = models.CharField(_("invoice country"), max_length=2, blank=True)
    invoice_email = models.EmailField(_("invoice email"), blank=True)
    bank_account = models.ForeignKey(
        BankAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="sites",
        verbose_name=_("bank account"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], condition=~Q(code=""), name="site_code_unique_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def delivery_address(self) -> Address:
        return Address(
            street=self.delivery_street, postal_code=self.delivery_postal_code,
            city=self.delivery_city, country=self.delivery_country,
            recipient=self.delivery_recipient, extra=self.delivery_extra,
        )

    @property
    def has_own_invoice_address(self) -> bool:
        return bool(self.invoice_street)

    @property
    def invoice_address(self) -> Address:
        if not self.has_own_invoice_address:
            return self.delivery_address
        return Address(
            street=self.invoice_street, postal_code=self.invoice_postal_code,
            city=self.invoice_city, country=self.invoice_country,
            recipient=self.invoice_recipient, extra=self.invoice_extra,
        )


class Membership(Versioned):
    """A person's role at an organisation, optionally at one of its sites."""

    person = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="members")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("role"), max_length=100, blank=True)
    is_main_contact = models.BooleanField(_("main contact"), default=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], condition=Q(site__isnull=True),
                name="membership_unique_without_site",
            ),
            models.UniqueConstraint(fields=["person", "organisation", "site"], name="membership_unique_with_site"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.organisation_id}"


class Holding(Versioned):
    """Something the customer holds with us: an account, a contract, a device, a subscription."""

    class Kind(models.TextChoices):
        ACCOUNT = "account", _("Account")
        CONTRACT = "contract", _("Contract")
        DEVICE = "device", _("Device")
        SUBSCRIPTION = "subscription", _("Subscription")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        IN_ARREARS = "in_arrears", _("In arrears")
        TERMINATED = "terminated", _("Terminated")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="holdings")
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL, related_name="holdings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("product"), max_length=200)
    identifier = models.CharField(_("number"), max_length=100, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    started_on = models.DateField(_("since"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    # Further key figures by label, e.g. {"Kreditlinie": "5000.00", "Tonerstand": "12 %"}.
    key_figures = models.JSONField(_("key figures"), default=dict, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("holding")
        verbose_name_plural = _("holdings")
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.identifier}".strip()


class Consent(models.Model):
    """One decision of the customer about one channel and purpose. Append-only: the latest
    row per (channel, purpose) is the current state; older rows are the proof."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        LETTER = "letter", _("Letter")
        MESSENGER = "messenger", _("Messenger")

    class Purpose(models.TextChoices):
        MARKETING = "marketing", _("Advertising")
        NEWSLETTER = "newsletter", _("Newsletter")
        SURVEYS = "surveys", _("Feedback surveys")
        SERVICE = "service", _("Service information")

    class Source(models.TextChoices):
        WEBFORM = "webform", _("Web form")
        PORTAL = "portal", _("Portal")
        PHONE = "phone", _("Phone call")
        LETTER = "letter", _("Letter")
        EMAIL = "email", _("Email")
        IN_PERSON = "in_person", _("In person")
        IMPORT = "import", _("Import")
        API = "api", _("Interface")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("given"))
    recorded_at = models.DateTimeField(_("when"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(_("source detail"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["customer", "channel", "purpose", "-recorded_at"], name="consent_current_idx")]

    def __str__(self) -> str:
        return f"{self.channel}/{self.purpose}={self.granted}"


class PersonalNote(Versioned):
    """A note about the customer. Sensitive notes (health, family, complaints about staff)
    are shown only to team leads, administrators and their author."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(_("note"))
    is_sensitive = models.BooleanField(_("sensitive"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:50]


class SearchKey(models.Model):
    """One way a customer can be found: a folded name word, a number, an E.164 phone…

    Maintained by the services on every change; the search box looks keys up by index
    (exact or prefix range), never by scanning customers.
    """

    class Kind(models.TextChoices):
        NAME = "n", _("Name")
        NUMBER = "k", _("Customer number")
        EMAIL = "e", _("Email")
        PHONE = "p", _("Phone")
        POSTCODE = "z", _("Postcode")
        SITE = "s", _("Site")
        IBAN = "i", _("IBAN")

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=1, choices=Kind.choices)
    key = models.CharField(max_length=120)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "key", "customer"], name="search_key_lookup_idx"),
            models.Index(fields=["customer", "kind", "key"], name="search_key_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"


def _import_upload_path(job: ImportJob, filename: str) -> str:
    # A random name: the customer's file name never becomes a path on the server.
    import uuid

    return f"imports/{uuid.uuid4().hex}.{job.kind or 'csv'}"


class ImportJob(models.Model):
    """One upload of customers from CSV or XLSX, from the mapping step to the result.

    The uploaded file and the error report live in the default storage, which is not served
    publicly; they are downloaded only through the import pages.
    """

    class Kind(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"

    class Mode(models.TextChoices):
        ALL_VALID = "all_valid", _("Import the valid rows, skip the invalid ones")
        ALL_OR_NOTHING = "all_or_nothing", _("Import nothing if any row is invalid")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Waiting for the column mapping")
        QUEUED = "queued", _("Waiting to start")
        VALIDATING = "validating", _("Checking rows")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected: nothing imported")
        FAILED = "failed", _("Failed: nothing imported")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to=_import_upload_path, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    kind = models.CharField(_("format"), max_length=10, choices=Kind.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=2, blank=True)
    sep_line = models.BooleanField(default=False)
    headers = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.ALL_VALID)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    customers_created = models.PositiveIntegerField(_("customers created"), default=0)
    sites_created = models.PositiveIntegerField(_("sites created"), default=0)
    contact_points_created = models.PositiveIntegerField(_("contact points created"), default=0)
    bank_accounts_created = models.PositiveIntegerField(_("bank accounts created"), default=0)
    first_customer_id = models.BigIntegerField(null=True, blank=True)
    error_report = models.FileField(_("error report"), upload_to="imports/reports/", max_length=255, blank=True)
    # The first errors, shown on the result page without opening the report.
    error_sample = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    failure_message = models.TextField(_("failure"), blank=True)

    class Meta:
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="import_job_creator_idx")]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.VALIDATING, self.Status.IMPORTING}

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REJECTED, self.Status.FAILED}

    @property
    def delimiter_display(self) -> str:
        return str(_("tab")) if self.delimiter == "\t" else f"„{self.delimiter}“"
