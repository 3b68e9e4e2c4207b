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

import base64
import binascii
import codecs
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import unquote

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


# --- Charsets -----------------------------------------------------------------------------

# Codecs that are not charsets a mail could honestly be written in.
_NOT_MAIL_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "punycode", "idna", "rot-13"})
_CHARSET_ALIASES = {
    "iso-8859-8-i": "iso-8859-8",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "unicode-1-1-utf-7": "utf-7",
    "utf8mb4": "utf-8",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
}
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _codec(charset: str | None) -> str | None:
    """The Python codec for a declared charset, or None if unknown or not a text charset."""
    if not charset:
        return None
    name = charset.strip().strip("\"'").strip().lower()
    name = _CHARSET_ALIASES.get(name, name)
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError, TypeError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_MAIL_CHARSETS:
        return None
    return info.name


def _latin_1_for_unassigned(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start:error.end].decode("latin-1"), error.end


# Five byte values are unassigned in Windows-1252; ISO-8859-1 gives them a (control) meaning.
codecs.register_error("kundennah-latin-1", _latin_1_for_unassigned)


def _cp1252(data: bytes) -> str:
    return data.decode("cp1252", errors="kundennah-latin-1")


def _undeclared_decode(data: bytes) -> str:
    """Bytes of unknown charset: UTF-8 if they are, else Windows-1252 (German mail's other half)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return data.decode("utf-8", errors="replace")  # UTF-8 with a few broken bytes
    return _cp1252(data)


def text_decode(data: bytes, charset: str | None) -> str:
    """Decode mail bytes by their declared charset; never raises."""
    codec = _codec(charset)
    if codec is None or codec == "ascii":
        return _undeclared_decode(data)
    if codec in ("latin-1", "iso8859-1", "cp1252"):
        return _cp1252(data)
    try:
        return data.decode(codec)
    except Exception:  # a codec may fail in any way on hostile bytes
        return _undeclared_decode(data)


_SURROGATES = re.compile("[\udc80-\udcff]")


def _unescape_8bit(value: str) -> str:
    """Raw 8-bit header bytes (kept by the parser as surrogates) decoded as UTF-8 or Windows-1252."""
    if not _SURROGATES.search(value):
        return value
    return _undeclared_decode(value.encode("utf-8", errors="surrogateescape"))


_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,60})\?([bBqQ])\?([^?]*?)\?=")
_QP_ESCAPE = re.compile(rb"=([0-9A-Fa-f]{2})")


def _encoded_word_bytes(kind: str, payload: str) -> bytes | None:
    if kind in "qQ":
        raw = payload.replace("_", " ").encode("utf-8", errors="replace")
        return _QP_ESCAPE.sub(lambda match: bytes([int(match.group(1), 16)]), raw)
    compact = re.sub(r"\s+", "", payload).rstrip("=")
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact)
    except (binascii.Error, ValueError):
        return None


def encoded_words_decode(text: str) -> str:
    """RFC 2047 encoded words, also where clients break the rules.

    Adjacent words in one charset are joined as bytes before decoding, since some clients split
    a multi-byte character across two words; whitespace between encoded words is dropped.
    """
    if "=?" not in text:
        return text
    pieces: list[tuple[str | None, bytes | str]] = []  # (charset or None for plain text, content)
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position:match.start()]
        position = match.end()
        decoded = _encoded_word_bytes(match.group(2), match.group(3))
        if decoded is None:
            pieces.append((None, between + match.group(0)))
            continue
        charset = match.group(1).split("*", 1)[0].lower()  # RFC 2231 language suffix
        previous_encoded = bool(pieces) and pieces[-1][0] is not None
        if between and not (previous_encoded and between.isspace()):
            pieces.append((None, between))
        elif previous_encoded and pieces[-1][0] == charset:
            last = pieces[-1][1]
            assert isinstance(last, bytes)
            pieces[-1] = (charset, last + decoded)
            continue
        pieces.append((charset, decoded))
    pieces.append((None, text[position:]))
    return "".join(
        content if isinstance(content, str) else text_decode(content, charset) for charset, content in pieces)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean_text(text: str) -> str:
    """No NUL or other controls (the database refuses NUL), no lone surrogates, one kind of line end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _one_line(text: str) -> str:
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return re.sub(r"\s+", " ", _clean_text(text)).strip()


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
    return encoded_words_decode(_unescape_8bit(_unfold(value)))


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
    address = _clean_text(_unescape_8bit(address)).strip().strip("<>").strip()
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
            bare = _BARE_ADDRESS.findall(_unescape_8bit(value))
            if bare:
                found = [("", address) for address in bare]
        for name, address in found:
            clean = _address_clean(address)
            if clean:
                pairs.append((_one_line(header_text(name)).strip("\"' "), clean))
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
    value = _clean_text(_unescape_8bit(value))
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
    return re.sub(r"\s+", "", _clean_text(_unescape_8bit(value)).strip().strip("<>"))


def _date(value: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(_unescape_8bit(value).strip())
    except Exception:
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)  # "-0000": the sender knows only UTC
    return parsed


# --- Text from HTML -------------------------------------------------------------------------

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre", "dl"})
_INVISIBLE = frozenset({"script", "style", "head", "title", "template", "noscript"})
_QUOTE_IN, _QUOTE_OUT = "\x01", "\x02"


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.newlines = 1  # at the start, as if after a line end: no leading blank lines
        self.hidden = 0
        self.pre = 0

    def _break(self, count: int) -> None:
        while self.newlines < count:
            self.out.append("\n")
            self.newlines += 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self.hidden += 1
        elif tag == "br":
            self.out.append("\n")
            self.newlines += 1
        elif tag in _BLOCK:
            self._break(2 if tag in _PARAGRAPH else 1)
            if tag == "blockquote":
                self.out.append(_QUOTE_IN)
            elif tag == "li":
                self.out.append("- ")
                self.newlines = 0
            elif tag == "hr":
                self.out.append("---")
                self.newlines = 0
                self._break(1)
            elif tag == "pre":
                self.pre += 1
        elif tag in ("td", "th") and self.newlines == 0:
            self.out.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            if tag == "blockquote":
                # The quote ends with its last line, not on the line after it.
                position = len(self.out)
                while position and self.out[position - 1] == "\n":
                    position -= 1
                self.out.insert(position, _QUOTE_OUT)
            self._break(2 if tag in _PARAGRAPH else 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if not self.pre:
            data = re.sub(r"[ \t\r\n\f]+", " ", data)
            if self.newlines and not data.strip():
                return
        if data:
            self.out.append(data)
            self.newlines = len(data) - len(data.rstrip("\n")) if data.endswith("\n") else 0


def html_to_text(html: str) -> str:
    """Readable text from HTML: block elements as line breaks, quotes as ``>`` lines."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # noqa: S110 - html.parser is lenient; a failure leaves what was read
        pass
    depth = 0
    lines: list[str] = []
    for line in "".join(extractor.out).split("\n"):
        # A quote's start counts from its first line, its end after its last.
        depth += line.count(_QUOTE_IN)
        text = re.sub(r" {2,}", " ", line.replace(_QUOTE_IN, "").replace(_QUOTE_OUT, "")).strip()
        if text and depth:
            text = "> " * depth + text
        depth = max(0, depth - line.count(_QUOTE_OUT))
        if text or (lines and lines[-1]):
            lines.append(text)
    return _clean_text("\n".join(lines)).strip()


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: soft line breaks (a trailing space) joined again."""
    result: list[tuple[int, str]] = []
    joining = False
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if joining and result and result[-1][0] == depth:
            result[-1] = (depth, result[-1][1] + content)
        else:
            result.append((depth, content))
        joining = content.endswith(" ") and content != "-- "
        if joining and delsp:
            result[-1] = (depth, result[-1][1][:-1])
    return "\n".join((">" * depth + (" " if depth else "") + content) if depth else content
                     for depth, content in result)


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
    name = unicodedata.normalize("NFC", _unescape_8bit(name))
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
        subject = _one_line(header_text(_first(inner_headers, "subject")))
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
        text = _clean_text(text_decode(content, params.get("charset")))
        if content_type == "text/html":
            found.htmls.append(text)
        else:
            if params.get("format", "").lower() == "flowed":
                text = _unflow(text, delsp=params.get("delsp", "").lower() == "yes")
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
    subject = _one_line(header_text(_first(headers, "subject")))
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


# --- Quoted history ---------------------------------------------------------------------------

_ATTRIBUTION = re.compile(
    r"^\s*(?:"
    r"Am\s.{4,250}?\s(?:schrieb|hat)\b.{0,250}:"  # Am 12.03.2026 um 10:15 schrieb Erika <…>:
    r"|On\s.{4,250}?\swrote\s?:"  # On Tue, Mar 12, 2026 at 10:15 AM Erika <…> wrote:
    r"|.{1,200}\sschrieb am\s.{4,100}:"  # Erika Muster schrieb am 12.03.2026:
    r"|Zitat von\s.{1,200}:"
    r")\s*$", re.IGNORECASE)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Ursprüngliche Nachricht|Original Message|Originalnachricht|Urspr\.? Nachricht)\s*-{2,}\s*$",
    re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*_{20,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?\s*(?:Von|From)\s*:\s*\*?\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(r"^\s*\*?\s*(?:Gesendet|Sent|Datum|Date|An|To|Betreff|Subject|Cc)\s*:", re.IGNORECASE)
_HEADER_SENT = re.compile(r"^\s*\*?\s*(?:Gesendet|Sent|Datum|Date)\s*:", re.IGNORECASE)
_QUOTED = re.compile(r"^\s*>")


def _header_block_at(lines: list[str], index: int) -> bool:
    """An Outlook-style "Von: … Gesendet: … An: …" block starts at this line."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1:index + 7] if line.strip()][:4]
    return any(_HEADER_SENT.match(line) for line in following) and sum(
        bool(_HEADER_OTHER.match(line)) for line in following) >= 2


def _attribution_at(lines: list[str], index: int) -> int:
    """How many lines an attribution ("Am … schrieb …:") starting here spans (clients wrap it), or 0."""
    if not re.match(r"^\s*(?:Am|On|Zitat von)\s|^.{1,200}\sschrieb am\s", lines[index], re.IGNORECASE):
        return 0
    joined = ""
    for span in range(1, 4):
        if index + span > len(lines):
            break
        joined = (joined + " " + lines[index + span - 1].strip()).strip()
        if len(joined) > 500:
            break
        if _ATTRIBUTION.match(joined):
            return span
    return 0


def _quoted_tails(lines: list[str]) -> list[bool]:
    """For each line: whether it and all after it are quoted or blank (one pass, also for long mails)."""
    tails = [True] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        tails[index] = tails[index + 1] and (not lines[index].strip() or bool(_QUOTED.match(lines[index])))
    return tails


def quoted_split(text: str) -> tuple[str, str]:
    """(what the sender wrote now, the quoted history) — the history "" if there is none."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    only_quoted_after = _quoted_tails(lines)
    has_quote_after = [False] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        has_quote_after[index] = has_quote_after[index + 1] or bool(_QUOTED.match(lines[index]))
    cut = None
    for index, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line) or _header_block_at(lines, index):
            cut = index
            break
        if _SEPARATOR.match(line):
            following = [other for other in lines[index + 1:index + 4] if other.strip()]
            if following and _header_block_at(lines, lines.index(following[0], index + 1)):
                cut = index
                break
        span = _attribution_at(lines, index)
        if span and only_quoted_after[index + span] and has_quote_after[index + span]:
            cut = index
            break
        if _QUOTED.match(line) and only_quoted_after[index]:
            cut = index
            break
    if cut is None:
        return text.strip(), ""
    current, history = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
    if not current:
        return text.strip(), ""
    return current, history
