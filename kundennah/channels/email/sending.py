"""Outbound mail by SMTP, and the reply message with headers no customer input can break.

``smtp_send`` tells a failure that is worth retrying (the server is away, busy, or answers 4xx)
from one that is not (5xx, a refused login, a refused recipient); the outbox decides on that.
``reply_message`` refuses any value that would add a header line or more than one address.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import re
import secrets
import smtplib
import ssl
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage

logger = logging.getLogger(__name__)

SECURITY_CHOICES = ("ssl", "starttls", "none")
REFERENCES_KEPT = 20
MESSAGE_ID_MAX = 250

# Message-ID, In-Reply-To and References are written by us and stored as they are: the email
# package would otherwise fold a long ID into an encoded word, which no mail client threads on.
# (refold_source only concerns such raw headers; every other header is folded normally.)
MAIL_POLICY = email.policy.SMTP.clone(refold_source="none")

# Headers the builder owns; extra headers must not replace them.
OWN_HEADERS = frozenset({
    "from", "sender", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "in-reply-to",
    "references", "mime-version", "content-type", "content-transfer-encoding", "content-disposition",
    "return-path", "received",
})

_FIELD_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field-name: printable ASCII except ':'
_MESSAGE_ID = re.compile(r"[!-;=?-~]+")  # printable ASCII without space and angle brackets
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_DOMAIN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "ssl" | "starttls" | "none"
    username: str = ""
    password: str = ""
    timeout: float = 30.0


class SendError(Exception):
    """A mail was not sent. ``temporary``: trying again later may well succeed."""

    def __init__(self, detail: str, *, temporary: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.temporary = temporary


# --- Sending ----------------------------------------------------------------------------------


def _reply_text(message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return " ".join(text.split())


def _is_temporary(code: int) -> bool:
    # 4xx means "try again"; anything that is not a proper 5xx (a garbled reply, -1) is treated alike.
    return not 500 <= code < 600


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=ssl.create_default_context())
    client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            client.starttls(context=ssl.create_default_context())
        except BaseException:
            client.close()
            raise
    return client


def smtp_send(settings: SmtpSettings, message: EmailMessage, *, envelope_from: str | None = None) -> None:
    """Send one message; raises ``SendError`` saying whether a later attempt may succeed."""
    if settings.security not in SECURITY_CHOICES:
        raise SendError(f"Unknown SMTP security {settings.security!r}; use one of {', '.join(SECURITY_CHOICES)}.",
                        temporary=False)
    server = f"{settings.host}:{settings.port}"
    client: smtplib.SMTP | None = None
    try:
        client = _connect(settings)
        if settings.username:
            client.login(settings.username, settings.password)
        refused = client.send_message(message, from_addr=envelope_from)
        if refused:
            # Accepted for some recipients: sending again would deliver twice to those.
            logger.warning("SMTP server %s refused some recipients: %s", server, refused)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _text in exc.recipients.values()]
        answers = "; ".join(
            f"{address}: {code} {_reply_text(text)}" for address, (code, text) in exc.recipients.items()
        )
        raise SendError(f"SMTP server {server} refused every recipient ({answers}).",
                        temporary=bool(codes) and all(_is_temporary(code) for code in codes)) from exc
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(f"SMTP server {server} refused the login for {settings.username!r}: "
                        f"{exc.smtp_code} {_reply_text(exc.smtp_error)}",
                        temporary=400 <= exc.smtp_code < 500) from exc
    except smtplib.SMTPResponseException as exc:
        raise SendError(f"SMTP server {server} answered {exc.smtp_code} {_reply_text(exc.smtp_error)}",
                        temporary=_is_temporary(exc.smtp_code)) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(f"SMTP server {server} does not support what the settings ask for: {exc}",
                        temporary=False) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise SendError(f"SMTP server {server} closed the connection: {exc}", temporary=True) from exc
    except ssl.SSLError as exc:
        # A certificate that does not verify or a TLS setting that does not match the port does not
        # get better by waiting: the mailbox settings need a look.
        raise SendError(f"TLS with SMTP server {server} failed: {exc}", temporary=False) from exc
    except TimeoutError as exc:
        raise SendError(f"SMTP server {server} did not answer within {settings.timeout:g} s.",
                        temporary=True) from exc
    except ConnectionRefusedError as exc:
        raise SendError(f"SMTP server {server} refused the connection.", temporary=True) from exc
    except smtplib.SMTPException as exc:
        raise SendError(f"SMTP error with {server}: {exc}", temporary=False) from exc
    except OSError as exc:
        raise SendError(f"SMTP server {server} could not be reached: {exc}", temporary=True) from exc
    finally:
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()


# --- Building ---------------------------------------------------------------------------------


def _header_safe(value: str, field: str) -> str:
    if any(char in value for char in "\r\n\0"):
        raise ValueError(f"{field}: line breaks and NUL are not allowed in a mail header")
    return value


def _ascii_domain(domain: str, field: str) -> str:
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise ValueError(f"{field}: {domain!r} is not a valid domain") from None
    if not _DOMAIN.fullmatch(ascii_domain):
        raise ValueError(f"{field}: {domain!r} is not a valid domain")
    return ascii_domain


def _address(value: str, field: str, display_name: str = "") -> Address:
    """Exactly one addr-spec (``name@example.org``), else ValueError."""
    _header_safe(value, field)
    _header_safe(display_name, field)
    spec = value.strip()
    try:
        parsed = Address(addr_spec=spec)
    except (ValueError, IndexError, TypeError) as exc:
        raise ValueError(f"{field}: {value!r} is not exactly one mail address") from exc
    if not parsed.username or not parsed.domain or not parsed.username.isascii():
        raise ValueError(f"{field}: {value!r} is not exactly one mail address")
    return Address(display_name=display_name.strip(), username=parsed.username,
                   domain=_ascii_domain(parsed.domain, field))


def _message_id(value: str, field: str) -> str | None:
    """A Message-ID without angle brackets, or None when it is no usable ID."""
    _header_safe(value, field)
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if not text or len(text) > MESSAGE_ID_MAX or not _MESSAGE_ID.fullmatch(text):
        return None
    return text


def _folded_ids(name: str, ids: Iterable[str]) -> str:
    """``<a> <b> …`` folded onto continuation lines that stay within 78 characters where an ID allows."""
    lines: list[str] = []
    current = ""
    for item in (f"<{id_}>" for id_ in ids):
        if current and len(current) + 1 + len(item) + (len(name) + 2 if not lines else 0) > 78:
            lines.append(current)
            current = item
        else:
            current = f"{current} {item}" if current else item
    lines.append(current)
    return "\r\n ".join(lines)


def _references(references: Sequence[str]) -> list[str]:
    kept: list[str] = []
    for reference in references:
        id_ = _message_id(reference, "References")
        if id_ is not None and id_ not in kept:
            kept.append(id_)
    return kept[-REFERENCES_KEPT:]


def _text_cte(text: str) -> str | None:
    # Plain ASCII goes as it is; anything else as quoted-printable, which every server carries.
    return None if text.isascii() else "quoted-printable"


def reply_message(*, from_address: str, from_name: str, to: str, subject: str, text: str, html: str | None,
                  message_id: str, in_reply_to: str | None, references: list[str], reply_to: str | None,
                  extra_headers: dict[str, str] | None = None,
                  attachments: Sequence[tuple[str, str, bytes]] = ()) -> EmailMessage:
    """A reply mail, threaded by Message-ID, In-Reply-To and References.

    Raises ValueError for a line break or NUL in any header value, an address that is not exactly
    one addr-spec, a Message-ID that is no valid ID, or an extra header that would replace one of ours.
    A malformed ID among In-Reply-To/References is dropped: threading is a hint, not worth a lost reply.
    """
    own_id = _message_id(message_id, "Message-ID")
    if own_id is None:
        raise ValueError(f"Message-ID: {message_id!r} is not a valid message ID")
    sender = _address(from_address, "From", from_name)
    recipient = _address(to, "To")
    answer_to = _address(reply_to, "Reply-To") if reply_to else None
    _header_safe(subject, "Subject")
    parent = _message_id(in_reply_to, "In-Reply-To") if in_reply_to else None
    thread = _references(references)
    extras: list[tuple[str, str]] = []
    for name, value in (extra_headers or {}).items():
        if not _FIELD_NAME.fullmatch(name) or name.lower() in OWN_HEADERS:
            raise ValueError(f"{name!r} cannot be set as an extra header")
        extras.append((name, _header_safe(value, name)))
    files = []
    for filename, content_type, content in attachments:
        _header_safe(filename, "attachment filename")
        maintype, _slash, subtype = (
            content_type if _CONTENT_TYPE.fullmatch(content_type or "") else "application/octet-stream"
        ).partition("/")
        files.append((filename, maintype.lower(), subtype.lower(), content))

    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = recipient
    if answer_to is not None:
        message["Reply-To"] = answer_to
    message["Subject"] = subject
    message["Date"] = dt.datetime.now(dt.UTC)
    message.set_raw("Message-ID", f"<{own_id}>")
    if parent is not None:
        message.set_raw("In-Reply-To", f"<{parent}>")
    if thread:
        message.set_raw("References", _folded_ids("References", thread))
    for name, value in extras:
        message[name] = value
    message.set_content(text, cte=_text_cte(text))
    if html is not None:
        message.add_alternative(html, subtype="html", cte=_text_cte(html))
    for filename, maintype, subtype, content in files:
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def message_id_new(domain: str) -> str:
    """A new, unique Message-ID for ``domain``, without angle brackets."""
    return f"{int(time.time())}.{secrets.token_hex(12)}@{_ascii_domain(domain.strip(), 'Message-ID domain')}"
