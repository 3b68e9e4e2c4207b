"""Setting up mailboxes (command and admin share these checks)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kundennah.accounts.models import Team
from kundennah.channels.email.models import Mailbox, Security
from kundennah.core.emails import email_normalise
from kundennah.core.errors import DomainValidationError, ErrorCollector
from kundennah.core.events import event_record

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
HOST = re.compile(r"^[A-Za-z0-9.-]{1,255}$|^\[[0-9A-Fa-f:.]+\]$")


@dataclass(frozen=True)
class MailboxInput:
    name: str
    imap_host: str
    imap_port: int
    username: str
    password_env: str
    smtp_host: str
    smtp_port: int
    from_address: str
    imap_security: str = Security.SSL
    smtp_security: str = Security.SSL
    folder: str = "INBOX"
    done_folder: str = ""
    from_name: str = ""
    team: str = ""
    poll_interval: int = 60
    smtp_username: str = ""
    smtp_password_env: str = ""


def _check(data: MailboxInput) -> tuple[dict[str, Any], Team | None]:
    errors = ErrorCollector()
    name = " ".join(data.name.split())
    if not name or len(name) > 100:
        errors.add("name", "required", _("Please give the mailbox a name (at most 100 characters)."))
    for field in ("imap_host", "smtp_host"):
        if not HOST.match(getattr(data, field).strip()):
            errors.add(field, "invalid_host", _("Please give a server name or IP address."))
    for field in ("imap_port", "smtp_port"):
        if not 1 <= int(getattr(data, field)) <= 65535:
            errors.add(field, "invalid_port", _("A port lies between 1 and 65535."))
    for field in ("imap_security", "smtp_security"):
        if getattr(data, field) not in Security.values:
            errors.add(field, "invalid_choice", _("Choose ssl, starttls or none."))
    if not data.username.strip():
        errors.add("username", "required", _("Please give the user name."))
    for field in ("password_env", "smtp_password_env"):
        value = getattr(data, field)
        if (value or field == "password_env") and not ENV_NAME.match(value):
            errors.add(field, "invalid_env_name",
                       _("Give the name of an environment variable (letters, digits, _), not the password."))
    if not data.folder.strip() or len(data.folder) > 200:
        errors.add("folder", "required", _("Please give the folder to read (usually INBOX)."))
    if not 60 <= data.poll_interval <= 86400:
        errors.add("poll_interval", "invalid_interval", _("Poll between every 60 seconds and once a day."))
    address = ""
    try:
        address = email_normalise(data.from_address)
    except DomainValidationError:
        errors.add("from_address", "invalid_email", _("Please give a valid email address."))
    team = None
    if data.team:
        team = Team.objects.filter(name=data.team).first()
        if team is None:
            errors.add("team", "unknown_team", _("There is no team with this name."))
    errors.raise_if_any()
    fields = {
        "name": name, "imap_host": data.imap_host.strip(), "imap_port": data.imap_port,
        "imap_security": data.imap_security, "username": data.username.strip(), "password_env": data.password_env,
        "folder": data.folder.strip(), "done_folder": data.done_folder.strip(), "smtp_host": data.smtp_host.strip(),
        "smtp_port": data.smtp_port, "smtp_security": data.smtp_security, "smtp_username": data.smtp_username.strip(),
        "smtp_password_env": data.smtp_password_env, "from_address": address, "from_name": data.from_name.strip(),
        "poll_interval": data.poll_interval,
    }
    return fields, team


def mailbox_add(*, data: MailboxInput, actor: Any = None) -> Mailbox:
    """A new mailbox; its name must be free. Field errors name the option that is wrong."""
    fields, team = _check(data)
    if Mailbox.objects.filter(name=fields["name"]).exists():
        raise DomainValidationError.single("name", "duplicate", _("A mailbox with this name exists already."))
    try:
        with transaction.atomic():
            mailbox = Mailbox.objects.create(team=team, **fields)
            event_record(name="mailbox.added", aggregate_type="mailbox", aggregate_id=mailbox.pk, actor=actor,
                         payload={"name": mailbox.name, "team_id": mailbox.team_id})
    except IntegrityError:
        raise DomainValidationError.single("name", "duplicate", _("A mailbox with this name exists already.")) from None
    return mailbox
