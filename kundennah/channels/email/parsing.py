"""Raw mail bytes to what the service desk needs: sender, threading ids, readable text, safe HTML, files.

Pure functions, no database. Mail from the wild is broken in every way a mail can be broken
(wrong charsets, encoded words split mid-character, missing boundaries, paths in file names),
so every step degrades to the best readable result instead of failing; only bytes that carry
no sender at all are refused, with ``MalformedMail``.

Header values are decoded from their raw form rather than through ``email.policy.default``'s
header objects: those replace 8-bit bytes by U+FFFD and decode ISO-8859-1 literally, while
German mail labelled ISO-8859-1 is in practice Windows-1252 (€, „“ quotes).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from urllib.parse import unquote

from kundennah.channels.email.charsets import encoded_words_decode, one_line, text_clean, text_decode, unescape_8bit
from kundennah.channels.email.plaintext import flowed_join, html_to_text
from kundennah.channels.email.sanitising import html_sanitise_counting

DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_FILENAME = 200
MAX_DEPTH = 30  # nesting of multiparts and attached mails followed
FALLBACK_FILENAME = "attachment.bin"


class MalformedMail(Exception):
    """The bytes are not a mail that can be taken in; ``reason`` says why (for admins)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str
    inline: bool


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_name: str
    from_address: str
    reply_to: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    date: dt.datetime | None
    text: str
    html: str
    has_remote_images: bool
    attachments: list[ParsedAttachment]
    dropped_attachments: list[str]
    auto: str
    bounce_recipients: list[str]


# --- Raw headers ----------------------------------------------------------------------------


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n[ \t]*", " ", str(value)).replace("\r", " ")


def _raw_headers(part: Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    try:
        items = list(part.raw_items())
    except Exception:
        return headers
    for name, value in items:
        headers.setdefault(str(name).strip().lower(), []).append(_unfold(value))
    return headers


def _first(headers: dict[str, list[str]], name: str) -> str:
    values = headers.get(name)
    return values[0].strip() if values else ""


def header_text(value: str) -> str:
    """A raw header value as readable text: 8-bit bytes and encoded words decoded."""
    return encoded_words_decode(unescape_8bit(_unfold(value)))


# --- MIME parameters ------------------------------------------------------------------------

_PARAMETER = re.compile(
    r"""\s*;?\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)""", re.DOTALL)


def _value_and_params(raw: str) -> tuple[str, dict[str, str]]:
    """``text/plain; charset="x"; name*0*=utf-8''a; name*1=b`` -> ("text/plain", {"charset": "x", "name": "ab"})."""
    raw = _unfold(raw)
    head, _semicolon, rest = raw.partition(";")
    plain: dict[str, str] = {}
    extended: dict[str, list[tuple[int, bool, str]]] = {}
    for match in _PARAMETER.finditer(";" + rest):
        name, value = match.group(1).lower(), match.group(2).strip()
        if value.startswith('"'):
            # Only \" and \\ are unescaped: other backslashes are Windows paths sent unescaped.
            value = re.sub(r'\\(["\\])', r"\1", value[1:-1] if value.endswith('"') and len(value) > 1 else value[1:])
        section = re.fullmatch(r"([^*]+)\*(?:(\d{1,3})\*?|)", name)
        if section:
            base, number = section.group(1), section.group(2)
            encoded = name.endswith("*")
            extended.setdefault(base, []).append((int(number or 0), encoded, value))
        else:
            plain.setdefault(name, value)
    for base, sections in extended.items():
        sections.sort(key=lambda item: item[0])
        charset = ""
        data = bytearray()
        for index, (_number, encoded, value) in enumerate(sections):
            if encoded:
                if index == 0 and value.count("'") >= 2:
                    charset, _language, value = value.split("'", 2)
                data += unquote(value, encoding="latin-1").encode("latin-1", errors="replace")
            else:
                data += value.encode("utf-8", errors="surrogateescape")
        plain[base] = text_decode(bytes(data), charset or None)
    return head.strip(), plain


def _part_header(part: Message, headers: dict[str, list[str]], name: str) -> tuple[str, dict[str, str]]:
    raw = _first(headers, name)
    return _value_and_params(raw) if raw else ("", {})


def _content_type(headers: dict[str, list[str]], part: Message) -> tuple[str, dict[str, str]]:
    value, params = _part_header(part, headers, "content-type")
    value = value.lower()
    if not re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", value):
        # RFC 2045: missing or unreadable means plain text, except inside multipart/digest.
        try:
            value = part.get_default_type()
        except Exception:
            value = "text/plain"
    return value, params


# --- Addresses ------------------------------------------------------------------------------

_BARE_ADDRESS = re.compile(r"[^\s<>@,;:\"()\[\]]+@[^\s<>@,;:\"()\[\]]+")


def _address_clean(address: str) -> str:
    address = text_clean(unescape_8bit(address)).strip().strip("<>").strip()
    return re.sub(r"\s+", "", address)


def _address_list(values: list[str]) -> list[tuple[str, str]]:
    """(display name, addr-spec) pairs; names decoded only after splitting (they may hold commas)."""
    pairs: list[tuple[str, str]] = []
    for value in values:
        try:
            found = getaddresses([value])
        except Exception:
            found = []
        found = [(name, address) for name, address in found if address]
        if not found or any("@" not in address and "<" in value for _name, address in found):
            bare = _BARE_ADDRESS.findall(unescape_8bit(value))
            if bare:
                found = [("", address) for address in bare]
        for name, address in found:
            clean = _address_clean(address)
            if clean:
                pairs.append((one_line(header_text(name)).strip("\"' "), clean))
    return pairs


def _addresses(headers: dict[str, list[str]], *names: str) -> list[str]:
    seen: list[str] = []
    for name in names:
        for _display, address in _address_list(headers.get(name, [])):
            if "@" in address and address not in seen:
                seen.append(address)
    return seen


def address_key(address: str) -> str:
    """The comparable form of an address: lower case, without a ``+tag`` in the local part."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.split('+', 1)[0] or local}@{domain}"


_ROBOT_LOCALS = frozenset({"mailer-daemon", "postmaster"})


def _sender(headers: dict[str, list[str]]) -> tuple[str, str]:
    for name in ("from", "sender"):
        for display, address in _address_list(headers.get(name, [])):
            if "@" in address or address.lower() in _ROBOT_LOCALS:
                return display, address
    return "", ""


# --- Message ids and dates ------------------------------------------------------------------

_ANGLE_ID = re.compile(r"<([^<>]+)>")


def _ids(value: str) -> list[str]:
    value = text_clean(unescape_8bit(value))
    found = [re.sub(r"\s+", "", item) for item in _ANGLE_ID.findall(value)]
    if not found:
        found = [token for token in re.split(r"[\s,]+", value) if "@" in token]
    unique: list[str] = []
    for item in found:
        if item and item not in unique:
            unique.append(item)
    return unique


def _message_id(value: str) -> str:
    found = _ids(value)
    if found:
        return found[0]
    return re.sub(r"\s+", "", text_clean(unescape_8bit(value)).strip().strip("<>"))


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(unescape_8bit(value).strip())
    except Exception:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # "-0000": the sender knows only UTC
    return parsed


# --- Walking the parts ----------------------------------------------------------------------


@dataclass
class _Found:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    files: list[tuple[str, str, bytes, str]] = field(default_factory=list)  # name, type, content, cid
    dropped: list[str] = field(default_factory=list)
    status_reports: list[str] = field(default_factory=list)  # message/delivery-status texts
    returned_ids: list[str] = field(default_factory=list)  # Message-IDs of mails a bounce returns


_EXTENSIONS = {
    "text/plain": ".txt", "text/html": ".html", "text/calendar": ".ics", "text/csv": ".csv",
    "text/rfc822-headers": ".txt", "message/rfc822": ".eml", "application/pdf": ".pdf", "image/png": ".png",
    "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
}


def filename_clean(name: str, *, content_type: str = "") -> str:
    """A file name safe to show and store: no path, no control or direction characters, ≤ 200 chars."""
    name = unicodedata.normalize("NFC", unescape_8bit(name))
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    if re.match(r"^[A-Za-z]:", name):
        name = name[2:]  # "C:datei.exe"
    name = re.sub(r"\s+", " ", name).strip().strip(".").strip()
    if not name:
        extension = _EXTENSIONS.get(content_type, "")
        return "attachment" + extension if extension else FALLBACK_FILENAME
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 20 and stem:
            name = stem[:MAX_FILENAME - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME]
    return name


def _payload_bytes(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if isinstance(payload, bytes):
        return payload
    try:
        raw = part.get_payload()
    except Exception:
        return b""
    return raw.encode("utf-8", errors="surrogateescape") if isinstance(raw, str) else b""


def _message_bytes(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=policy.default.clone(max_line_length=0, linesep="\r\n"))
    except Exception:
        try:
            return message.as_bytes(policy=policy.compat32)
        except Exception:
            return b""


def _keep_file(found: _Found, name: str, content_type: str, content: bytes, content_id: str, limit: int) -> None:
    if len(content) > limit:
        found.dropped.append(name)
    else:
        found.files.append((name, content_type, content, content_id))


def _status_report_text(part: Message, payload: object) -> str:
    if isinstance(payload, list):
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                blocks.append("\n".join(f"{name}: {_unfold(value)}" for name, value in block.raw_items()))
        return "\n\n".join(blocks)
    return text_decode(_payload_bytes(part), None)


def _walk(part: Message, found: _Found, limit: int, depth: int = 0) -> None:
    if depth > MAX_DEPTH:
        return
    headers = _raw_headers(part)
    content_type, params = _content_type(headers, part)
    disposition, disposition_params = _part_header(part, headers, "content-disposition")
    try:
        payload = part.get_payload()
    except Exception:
        payload = None
    if content_type == "message/delivery-status":
        found.status_reports.append(_status_report_text(part, payload))
        return
    if isinstance(payload, list) and content_type.startswith("message/"):
        inner = next((item for item in payload if isinstance(item, Message)), None)
        if inner is None:
            return
        inner_headers = _raw_headers(inner)
        found.returned_ids.extend(_ids(_first(inner_headers, "message-id"))[:1])
        subject = one_line(header_text(_first(inner_headers, "subject")))
        name = disposition_params.get("filename") or params.get("name") or (subject[:150] + ".eml" if subject
                                                                             else "message.eml")
        _keep_file(found, filename_clean(header_text(name), content_type="message/rfc822"), "message/rfc822",
                   _message_bytes(inner), "", limit)
        return
    if isinstance(payload, list):
        children = [child for child in payload if isinstance(child, Message)]
        if content_type == "multipart/alternative":
            _walk_alternative(children, found, limit, depth)
        else:
            for child in children:
                _walk(child, found, limit, depth + 1)
        return
    filename = disposition_params.get("filename") or params.get("name") or ""
    filename = header_text(filename) if filename else ""
    content_id = _message_id(_first(headers, "content-id")) if "content-id" in headers else ""
    is_body = (content_type in ("text/plain", "text/html") and disposition.lower() != "attachment"
               and not filename)
    if content_type.startswith("multipart/"):
        is_body, content_type = not filename, "text/plain"  # no boundary found: show the raw text
    content = _payload_bytes(part)
    if is_body:
        text = text_clean(text_decode(content, params.get("charset")))
        if content_type == "text/html":
            found.htmls.append(text)
        else:
            if params.get("format", "").lower() == "flowed":
                text = flowed_join(text, delsp=params.get("delsp", "").lower() == "yes")
            found.texts.append(text)
        return
    if content_type == "text/rfc822-headers":
        found.returned_ids.extend(_ids(_first(_headers_from_text(text_decode(content, None)), "message-id"))[:1])
    _keep_file(found, filename_clean(filename, content_type=content_type), content_type, content, content_id, limit)


def _walk_alternative(children: list[Message], found: _Found, limit: int, depth: int) -> None:
    """One text and one HTML out of the alternatives; files inside any of them are all kept."""
    texts: list[str] = []
    htmls: list[str] = []
    for child in children:
        branch = _Found()
        _walk(child, branch, limit, depth + 1)
        if branch.texts and not texts:
            texts = branch.texts
        if branch.htmls:
            htmls = branch.htmls  # the last alternative is the richest (RFC 2046)
        found.files.extend(branch.files)
        found.dropped.extend(branch.dropped)
        found.status_reports.extend(branch.status_reports)
        found.returned_ids.extend(branch.returned_ids)
    found.texts.extend(texts)
    found.htmls.extend(htmls)


def _headers_from_text(text: str) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    name = ""
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if line[:1] in (" ", "\t") and name:
            headers[name][-1] += " " + line.strip()
            continue
        key, colon, value = line.partition(":")
        if colon and key and " " not in key.strip():
            name = key.strip().lower()
            headers.setdefault(name, []).append(value.strip())
        else:
            name = ""
    return headers


# --- Robots ---------------------------------------------------------------------------------

_OUT_OF_OFFICE = re.compile(
    r"^\s*(?:automatische antwort|automatic reply|auto-?reply|out of office(?: autoreply)?|abwesenheitsnotiz"
    r"|abwesenheitsmeldung|abwesend|nicht im büro)\s*(?::|-|$)", re.IGNORECASE)


def _bounce_recipients(reports: list[str]) -> list[str]:
    failed: list[str] = []
    for report in reports:
        for block in re.split(r"\n\s*\n", report.replace("\r\n", "\n")):
            fields = _headers_from_text(block)
            recipient = _first(fields, "final-recipient") or _first(fields, "original-recipient")
            action = _first(fields, "action").lower()
            status = _first(fields, "status")
            if not recipient or not (action.startswith("failed") or (not action and status.startswith("5"))):
                continue
            address = _address_clean(recipient.rpartition(";")[2] if ";" in recipient else recipient).lower()
            if "@" in address and address not in failed:
                failed.append(address)
    return failed


def _robot_kind(headers: dict[str, list[str]], *, content_type: str, report_type: str, subject: str,
                from_address: str, has_status_report: bool) -> str:
    if content_type == "multipart/report" and (report_type == "delivery-status" or has_status_report):
        return "delivery-status"
    if _OUT_OF_OFFICE.match(subject):
        return "out-of-office"
    auto_submitted = _first(headers, "auto-submitted").split(";", 1)[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-submitted"
    if any(_first(headers, name).lower() not in ("no", "false", "0") for name in ("x-autoreply", "x-autorespond")
           if name in headers):
        return "auto-reply-header"
    suppress = _first(headers, "x-auto-response-suppress").lower()
    if re.search(r"\b(?:all|oof|autoreply)\b", suppress):
        return "auto-reply-header"
    if _first(headers, "precedence").lower() in ("bulk", "junk", "list"):
        return "precedence"
    if "list-id" in headers or "list-unsubscribe" in headers:
        return "mailing-list"
    local = from_address.lower().partition("@")[0]
    if local in _ROBOT_LOCALS or any(value.strip() == "<>" for value in headers.get("return-path", [])):
        return "mailer-daemon"
    return ""


# --- The mail -------------------------------------------------------------------------------


def _inline_ids(html: str) -> set[str]:
    return {unquote(match).strip().lower() for match in re.findall(r"cid:([^\"'\s>)]+)", html, re.IGNORECASE)}


def mail_parse(raw: bytes, *, max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES) -> ParsedMail:
    """Parse raw RFC 5322 bytes; raises only ``MalformedMail`` (when no usable mail is there)."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise MalformedMail("Not bytes.")
    raw = bytes(raw)
    if not raw.strip():
        raise MalformedMail("Empty mail.")
    try:
        return _mail_parse(raw, max_attachment_bytes)
    except MalformedMail:
        raise
    except Exception as exc:  # whatever the bytes do (RecursionError included), the mail is kept as malformed
        raise MalformedMail(f"Unreadable mail ({type(exc).__name__}: {str(exc)[:200]}).") from exc


def _mail_parse(raw: bytes, max_attachment_bytes: int) -> ParsedMail:
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:
        raise MalformedMail(f"Not a mail message ({type(exc).__name__}).") from exc
    headers = _raw_headers(message)
    if not headers:
        raise MalformedMail("No header lines: not a mail message.")
    from_name, from_address = _sender(headers)
    if not from_address:
        raise MalformedMail("No sender address (From header missing or empty).")
    found = _Found()
    _walk(message, found, max(0, max_attachment_bytes))
    raw_html = "\n".join(found.htmls)
    html, has_remote_images = html_sanitise_counting(raw_html) if raw_html.strip() else ("", False)
    text = "\n\n".join(part.strip("\n") for part in found.texts if part.strip())
    if not text.strip() and raw_html:
        text = html_to_text(raw_html)
    referenced = _inline_ids(raw_html) if raw_html else set()
    attachments = [
        ParsedAttachment(filename=name, content_type=content_type, content=content, content_id=content_id,
                         inline=bool(content_id) and content_id.lower() in referenced)
        for name, content_type, content, content_id in found.files
    ]
    subject = one_line(header_text(_first(headers, "subject")))
    content_type, params = _content_type(headers, message)
    auto = _robot_kind(headers, content_type=content_type, report_type=params.get("report-type", "").lower(),
                       subject=subject, from_address=from_address, has_status_report=bool(found.status_reports))
    bounce_recipients = _bounce_recipients(found.status_reports) if auto == "delivery-status" else []
    in_reply_to = _ids(" ".join(headers.get("in-reply-to", [])))
    references = _ids(" ".join(headers.get("references", [])))
    if auto == "delivery-status":
        # The bounce names the returned mail only inside; threading and marking it failed need it.
        references += [item for item in found.returned_ids if item not in references and item not in in_reply_to]
    reply_to = _addresses(headers, "reply-to")
    return ParsedMail(
        message_id=_message_id(_first(headers, "message-id")),
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        from_name=from_name,
        from_address=from_address,
        reply_to=reply_to[0] if reply_to else "",
        to=_addresses(headers, "to"),
        cc=_addresses(headers, "cc"),
        delivered_to=_addresses(headers, "delivered-to", "x-original-to", "envelope-to"),
        date=_date(_first(headers, "date")),
        text=text.strip(),
        html=html,
        has_remote_images=has_remote_images,
        attachments=attachments,
        dropped_attachments=found.dropped,
        auto=auto,
        bounce_recipients=bounce_recipients,
    )
