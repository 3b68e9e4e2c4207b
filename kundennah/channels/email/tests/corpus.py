"""Raw mails as they arrive from German senders, for tests and the intake benchmark.

Every builder returns the exact RFC 5322 bytes (CRLF line ends), assembled by hand where a
library would refuse to be as wrong as real mail clients are (Windows-1252 labelled ISO-8859-1,
unknown charsets, broken MIME).
"""

from __future__ import annotations

import base64
import datetime as dt
import quopri
import random
import uuid
from collections.abc import Iterable, Sequence
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

CRLF = b"\r\n"
SERVICE = "service@kundennah.example.org"
ERIKA = "Erika Mustermann <erika.mustermann@example.org>"
UMLAUTS = "ÄÖÜäöüß"
DEFAULT_DATE = dt.datetime(2026, 3, 12, 10, 15, tzinfo=dt.UTC)


# --- Assembling ---------------------------------------------------------------------------


def _codec(charset: str) -> str:
    # What Outlook writes under the ISO-8859-1 label is Windows-1252 (€, „“).
    return "cp1252" if charset.lower() in ("iso-8859-1", "latin-1", "latin1") else charset


def _header_value(value: str, charset: str = "utf-8") -> str:
    if value.isascii():
        return value
    return Header(value, charset).encode(linesep="\r\n")


def _address(value: str) -> str:
    name, address = parseaddr(value)
    if not name or name.isascii():
        return value
    return formataddr((name, address), charset="utf-8")


def _addresses(value: str | Sequence[str]) -> str:
    items = [value] if isinstance(value, str) else list(value)
    return ", ".join(_address(item) for item in items)


def message_id_new(domain: str = "example.org") -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def _envelope(*, sender: str, to: str | Sequence[str], subject: str, message_id: str | None, date: dt.datetime | None,
              in_reply_to: str | None, references: Iterable[str], headers: dict[str, str] | None,
              cc: str | Sequence[str] | None = None) -> list[tuple[str, str]]:
    lines = [("From", _address(sender)), ("To", _addresses(to))]
    if cc:
        lines.append(("Cc", _addresses(cc)))
    lines.append(("Subject", _header_value(subject)))
    lines.append(("Date", format_datetime(date or DEFAULT_DATE)))
    if message_id is None:
        message_id = message_id_new()
    if message_id:
        lines.append(("Message-ID", message_id))
    if in_reply_to:
        lines.append(("In-Reply-To", in_reply_to))
    references = list(references)
    if references:
        lines.append(("References", " ".join(references)))
    lines.append(("MIME-Version", "1.0"))
    lines.extend((headers or {}).items())
    return lines


def _head(lines: Iterable[tuple[str, str]]) -> bytes:
    return b"".join(f"{name}: {value}".encode() + CRLF for name, value in lines)


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def _body_encode(data: bytes, encoding: str) -> bytes:
    if encoding == "quoted-printable":
        return _crlf(quopri.encodestring(data.replace(b"\r\n", b"\n")))
    if encoding == "base64":
        return _crlf(base64.encodebytes(data))
    if encoding in ("8bit", "7bit", "binary"):
        return _crlf(data)
    raise ValueError(f"unknown transfer encoding {encoding!r}")


def _text_part(text: str, *, subtype: str = "plain", charset: str = "utf-8", encoding: str = "quoted-printable",
               charset_label: str | None = None, extra: Sequence[tuple[str, str]] = ()) -> tuple[list[tuple[str, str]],
                                                                                                  bytes]:
    data = text.encode(_codec(charset), errors="replace")
    label = charset_label if charset_label is not None else charset
    content_type = f"text/{subtype}; charset=\"{label}\"" if label else f"text/{subtype}"
    return ([("Content-Type", content_type), ("Content-Transfer-Encoding", encoding), *extra],
            _body_encode(data, encoding))


def _part(headers: list[tuple[str, str]], body: bytes) -> bytes:
    return _head(headers) + CRLF + body


def _multipart(subtype: str, parts: Sequence[bytes], *, boundary: str, params: str = "") -> tuple[
        list[tuple[str, str]], bytes]:
    body = b"This is a multi-part message in MIME format." + CRLF
    for part in parts:
        body += CRLF + f"--{boundary}".encode() + CRLF + part.rstrip(CRLF) + CRLF
    body += f"--{boundary}--".encode() + CRLF
    return [("Content-Type", f'multipart/{subtype}; boundary="{boundary}"{params}')], body


def _mail(envelope: list[tuple[str, str]], headers: list[tuple[str, str]], body: bytes) -> bytes:
    return _head([*envelope, *headers]) + CRLF + body


# --- Builders -------------------------------------------------------------------------------


def plain_mail(*, sender: str = ERIKA, to: str | Sequence[str] = SERVICE, subject: str = "Rechnung doppelt abgebucht",
               body: str = "Guten Tag,\n\nmeine Rechnung wurde zweimal abgebucht.\n\nViele Grüße\nErika Mustermann\n",
               message_id: str | None = None, charset: str = "utf-8", encoding: str = "quoted-printable",
               in_reply_to: str | None = None, references: Iterable[str] = (), headers: dict[str, str] | None = None,
               date: dt.datetime | None = None, cc: str | Sequence[str] | None = None,
               charset_label: str | None = None, flowed: bool = False) -> bytes:
    """A text/plain mail. ``message_id=None`` makes a fresh one, ``""`` leaves the header out.

    ``charset_label`` names a charset in the header other than the one used (mislabelled mail);
    ``""`` leaves the charset parameter out.
    """
    envelope = _envelope(sender=sender, to=to, subject=subject, message_id=message_id, date=date,
                         in_reply_to=in_reply_to, references=references, headers=headers, cc=cc)
    part_headers, data = _text_part(body, charset=charset, encoding=encoding, charset_label=charset_label)
    if flowed:
        part_headers[0] = ("Content-Type", part_headers[0][1] + "; format=flowed")
    return _mail(envelope, part_headers, data)


def html_mail(*, sender: str = ERIKA, to: str | Sequence[str] = SERVICE, subject: str = "Frage zu meinem Vertrag",
              html: str = "<p>Guten Tag,</p><p>ich habe eine <b>Frage</b> zu meinem Vertrag.</p>",
              text: str | None = None, message_id: str | None = None, charset: str = "utf-8",
              encoding: str = "quoted-printable", in_reply_to: str | None = None, references: Iterable[str] = (),
              headers: dict[str, str] | None = None, date: dt.datetime | None = None,
              inline_images: Sequence[tuple[str, bytes, str]] = ()) -> bytes:
    """An HTML mail; with ``text`` as multipart/alternative, with ``inline_images`` (cid, content,
    content type) as multipart/related the way Outlook and Thunderbird send pictures in the text."""
    envelope = _envelope(sender=sender, to=to, subject=subject, message_id=message_id, date=date,
                         in_reply_to=in_reply_to, references=references, headers=headers)
    html_headers, html_body = _text_part(html, subtype="html", charset=charset, encoding=encoding)
    top_headers, top_body = html_headers, html_body
    if inline_images:
        images = [
            _part([("Content-Type", f'{content_type}; name="{cid.split("@")[0]}"'),
                   ("Content-Transfer-Encoding", "base64"), ("Content-ID", f"<{cid}>"),
                   ("Content-Disposition", f'inline; filename="{cid.split("@")[0]}"')],
                  _body_encode(content, "base64"))
            for cid, content, content_type in inline_images
        ]
        top_headers, top_body = _multipart("related", [_part(html_headers, html_body), *images],
                                           boundary="----=_related_7d1f", params='; type="text/html"')
    if text is not None:
        text_headers, text_body = _text_part(text, charset=charset, encoding=encoding)
        top_headers, top_body = _multipart("alternative", [_part(text_headers, text_body),
                                                           _part(top_headers, top_body)],
                                           boundary="----=_alternative_3c9a")
    return _mail(envelope, top_headers, top_body)


def _filename_params(filename: str, style: str) -> str:
    if style == "plain" or filename.isascii():
        return f'filename="{filename}"'
    if style == "rfc2047":
        return f'filename="{Header(filename, "utf-8").encode()}"'
    if style == "raw-utf8":
        return f'filename="{filename}"'
    if style == "rfc2231":
        encoded = "".join(chr(byte) if byte < 128 and (chr(byte).isalnum() or chr(byte) in "-._") else f"%{byte:02X}"
                          for byte in filename.encode("utf-8"))
        return f"filename*=utf-8''{encoded}"
    raise ValueError(f"unknown filename style {style!r}")


def mail_with_attachment(*, sender: str = ERIKA, to: str | Sequence[str] = SERVICE,
                         subject: str = "Unterlagen zu meinem Antrag",
                         body: str = "Guten Tag,\n\nanbei die Unterlagen.\n\nViele Grüße\nErika Mustermann\n",
                         filename: str = "Rechnung März.pdf", content: bytes = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
                         content_type: str = "application/pdf", message_id: str | None = None,
                         filename_style: str = "rfc2231", charset: str = "utf-8",
                         in_reply_to: str | None = None, references: Iterable[str] = (),
                         headers: dict[str, str] | None = None, date: dt.datetime | None = None,
                         attachments: Sequence[tuple[str, bytes, str]] = ()) -> bytes:
    """multipart/mixed: a text and one file (more in ``attachments`` as (name, content, type)).

    ``filename_style``: "rfc2231" (standard), "rfc2047" (encoded word in quotes, as Outlook does),
    "raw-utf8" (8-bit bytes in the header) or "plain".
    """
    envelope = _envelope(sender=sender, to=to, subject=subject, message_id=message_id, date=date,
                         in_reply_to=in_reply_to, references=references, headers=headers)
    text_headers, text_body = _text_part(body, charset=charset)
    parts = [_part(text_headers, text_body)]
    for name, data, kind in [(filename, content, content_type), *attachments]:
        parameters = _filename_params(name, filename_style)
        parts.append(_part([("Content-Type", kind), ("Content-Transfer-Encoding", "base64"),
                            ("Content-Disposition", f"attachment; {parameters}")], _body_encode(data, "base64")))
    top_headers, top_body = _multipart("mixed", parts, boundary="----=_mixed_0a4e")
    return _mail(envelope, top_headers, top_body)


def auto_reply(*, sender: str = ERIKA, to: str | Sequence[str] = SERVICE,
               subject: str = "Automatische Antwort: Ihre Anfrage A-2026-000123",
               body: str = "Vielen Dank für Ihre Nachricht. Ich bin bis 20.03. nicht im Büro.\n",
               message_id: str | None = None, in_reply_to: str | None = None,
               headers: dict[str, str] | None = None) -> bytes:
    """An Exchange out-of-office reply; ``headers`` replaces its robot headers ({} for none)."""
    robot = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"} if headers is None else headers
    return plain_mail(sender=sender, to=to, subject=subject, body=body, message_id=message_id,
                      in_reply_to=in_reply_to, references=[in_reply_to] if in_reply_to else (), headers=robot)


def bounce(*, failed_recipient: str, original_message_id: str, to: str = SERVICE,
           original_subject: str = "Ihre Anfrage A-2026-000123", reporting_mta: str = "mx.example.org",
           message_id: str | None = None, date: dt.datetime | None = None) -> bytes:
    """A Postfix-style delivery status notification (RFC 3464) returning the original mail."""
    original_message_id = original_message_id if original_message_id.startswith("<") else f"<{original_message_id}>"
    envelope = [
        ("Return-Path", "<>"),
        ("From", f"Mail Delivery System <MAILER-DAEMON@{reporting_mta}>"),
        ("To", to),
        ("Subject", "Undelivered Mail Returned to Sender"),
        ("Date", format_datetime(date or DEFAULT_DATE)),
        ("Message-ID", message_id or message_id_new(reporting_mta)),
        ("Auto-Submitted", "auto-replied"),
        ("MIME-Version", "1.0"),
    ]
    human = (f"This is the mail system at host {reporting_mta}.\n\nI'm sorry to have to inform you that your message "
             f"could not\nbe delivered to one or more recipients.\n\n<{failed_recipient}>: host said: "
             "550 5.1.1 User unknown\n")
    status = (f"Reporting-MTA: dns; {reporting_mta}\nArrival-Date: {format_datetime(date or DEFAULT_DATE)}\n\n"
              f"Final-Recipient: rfc822; {failed_recipient}\nOriginal-Recipient: rfc822;{failed_recipient}\n"
              "Action: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n")
    original = _mail(
        [("From", SERVICE), ("To", failed_recipient), ("Subject", _header_value(original_subject)),
         ("Date", format_datetime(date or DEFAULT_DATE)), ("Message-ID", original_message_id),
         ("MIME-Version", "1.0")],
        [("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "8bit")],
        _crlf(b"Guten Tag,\nwir haben Ihre Anfrage erhalten.\n"))
    parts = [
        _part([("Content-Description", "Notification"), ("Content-Type", "text/plain; charset=us-ascii")],
              _crlf(human.encode())),
        _part([("Content-Description", "Delivery report"), ("Content-Type", "message/delivery-status")],
              _crlf(status.encode())),
        _part([("Content-Description", "Undelivered Message"), ("Content-Type", "message/rfc822"),
               ("Content-Transfer-Encoding", "8bit")], original),
    ]
    top_headers, top_body = _multipart("report", parts, boundary="B7E1F3C0.1773310500/mx.example.org",
                                       params="; report-type=delivery-status")
    return _mail(envelope, top_headers, top_body)


# --- Broken and varied mail -------------------------------------------------------------------


def malformed_samples() -> list[bytes]:
    """Bytes that are no usable mail: each must be refused as malformed, nothing else."""
    rng = random.Random(20260312)
    garbage = bytes(rng.getrandbits(8) for _ in range(512))
    return [
        b"",
        b"\r\n\r\n  \r\n",
        b"\x00\x01 nothing like a mail",
        garbage,
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        # No From at all.
        _mail([("To", SERVICE), ("Subject", "Ohne Absender"), ("Message-ID", "<nofrom@example.org>")],
              [("Content-Type", "text/plain; charset=utf-8")], b"Wer bin ich?\r\n"),
        # A From without any address.
        _mail([("From", "undisclosed-recipients:;"), ("To", SERVICE), ("Subject", "Gruppe ohne Mitglieder")],
              [], b"Text\r\n"),
        _mail([("From", ""), ("To", SERVICE), ("Subject", "Leerer Absender")], [], b"Text\r\n"),
        # Transfer cut off inside the header block, before the sender.
        b"Return-Path: <erika@example.org>\r\nReceived: from mx.example.org (mx.example.org [192.0.2.1])\r\n"
        b"\tby mail.kundennah.example.org; Thu, 12 Mar 2026 10:15:00 +0100\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="----=_trunc"\r\nSubject: Rechn',
        # Only trace headers, no message.
        b"Received: from a.example.org by b.example.org; Thu, 12 Mar 2026 10:15:00 +0100\r\n"
        b"Received: from c.example.org by a.example.org; Thu, 12 Mar 2026 10:14:58 +0100\r\n",
    ]


def charset_samples() -> list[tuple[str, bytes, str]]:
    """(name, raw mail, a fragment the decoded text must contain) for every charset German mail uses."""
    full = f"Grüße {UMLAUTS} - 12,50 €"
    latin1 = f"Grüße {UMLAUTS}"
    body = "Guten Tag,\n\n{fragment}\n\nMit freundlichen Grüßen\nJürgen Weiß\n"
    cp1252 = "„Zählerstand“ 12,50 € ÄÖÜäöüß"
    samples: list[tuple[str, bytes, str]] = []
    for charset, fragment in (("utf-8", full), ("iso-8859-15", full), ("windows-1252", full),
                              ("iso-8859-1", latin1)):
        for encoding in ("quoted-printable", "base64", "8bit"):
            raw = plain_mail(subject=f"Test {charset}", body=body.format(fragment=fragment), charset=charset,
                             encoding=encoding, message_id=f"<{charset}.{encoding}@example.org>")
            samples.append((f"{charset}-{encoding}", raw, fragment))
    samples += [
        ("windows-1252-labelled-iso-8859-1", plain_mail(
            body=body.format(fragment=cp1252), charset="cp1252", charset_label="iso-8859-1", encoding="8bit",
            message_id="<mislabelled@example.org>"), cp1252),
        ("unknown-charset-with-utf-8", plain_mail(
            body=body.format(fragment=full), charset="utf-8", charset_label="x-unbekannt", encoding="8bit",
            message_id="<unknown-utf8@example.org>"), full),
        ("unknown-charset-with-windows-1252", plain_mail(
            body=body.format(fragment=full), charset="cp1252", charset_label="x-user-defined",
            encoding="quoted-printable", message_id="<unknown-cp1252@example.org>"), full),
        ("no-charset-with-utf-8", plain_mail(
            body=body.format(fragment=full), charset="utf-8", charset_label="", encoding="8bit",
            message_id="<nocharset@example.org>"), full),
        ("us-ascii-label-with-utf-8", plain_mail(
            body=body.format(fragment=full), charset="utf-8", charset_label="us-ascii", encoding="8bit",
            message_id="<ascii-label@example.org>"), full),
        ("utf8-alias", plain_mail(
            body=body.format(fragment=full), charset="utf-8", charset_label="UTF8", encoding="base64",
            message_id="<utf8-alias@example.org>"), full),
        ("html-only-iso-8859-15-with-entities", html_mail(
            html="<p>Guten Tag,</p><p>Gr&uuml;&szlig;e &Auml;&Ouml;&Uuml;&auml;&ouml;&uuml;&szlig; &ndash; 12,50 &euro;"
                 "</p>", charset="iso-8859-15", message_id="<html-entities@example.org>"),
         "Grüße ÄÖÜäöüß – 12,50 €"),
    ]
    return samples


_NAMES = ["Erika Mustermann", "Max Müller", "Jürgen Weiß", "Özlem Yılmaz", "Anja Schäfer", "Björn Köhler",
          "Grete Großmann", "Lukas Bäcker", "Sabine Krüger", "Thomas Schröder"]
_DOMAINS = ["example.org", "example.com", "example.net", "mail.example.org", "web.example.com"]
_SUBJECTS = [
    "Rechnung {n} doppelt abgebucht", "Lieferung {n} ist nicht angekommen", "Frage zu meinem Vertrag {n}",
    "Kündigung zum 31.03.", "Adressänderung", "Bitte um Rückruf", "Störung seit heute Morgen",
    "Zählerstand übermitteln", "Mahnung erhalten – obwohl bezahlt", "Termin für die Wartung",
    "Rückerstattung für Bestellung {n}", "Änderung der Bankverbindung", "Beschwerde über den Außendienst",
]
_BODIES = [
    "Guten Tag,\n\nmeine Rechnung Nr. {n} wurde zweimal abgebucht (2 × 49,90 €). Bitte erstatten Sie den "
    "doppelten Betrag.\n\nMit freundlichen Grüßen\n{name}\n",
    "Hallo,\n\ndie Lieferung zur Bestellung {n} ist bis heute nicht angekommen. Laut Sendungsverfolgung liegt sie "
    "seit Tagen im Verteilzentrum.\n\nViele Grüße\n{name}\n",
    "Sehr geehrte Damen und Herren,\n\nich möchte meinen Vertrag fristgerecht kündigen. Bitte bestätigen Sie mir "
    "den Eingang und das Vertragsende.\n\nFreundliche Grüße\n{name}\n",
    "Guten Morgen,\n\nseit heute früh funktioniert der Zugang nicht mehr. Es erscheint „Fehler 503“. Können Sie "
    "sich das bitte ansehen?\n\nDanke und Grüße\n{name}\n",
    "Hallo zusammen,\n\nab dem 1. April gilt meine neue Anschrift: Königstraße 12, 70173 Stuttgart.\n\n"
    "Beste Grüße\n{name}\n",
]
_CHARSETS = [("utf-8", "quoted-printable"), ("utf-8", "base64"), ("utf-8", "8bit"), ("iso-8859-1", "quoted-printable"),
             ("iso-8859-15", "quoted-printable"), ("windows-1252", "8bit")]


def reply_body(new_text: str, old_text: str, *, style: str, author: str = "Kundennah Service",
               address: str = SERVICE) -> str:
    """A reply quoting the earlier mail as a client does: "outlook", "gmail", "thunderbird" or "apple"."""
    if style == "outlook":
        return (f"{new_text}\n\n________________________________\nVon: {author} <{address}>\n"
                f"Gesendet: Donnerstag, 12. März 2026 10:15\nAn: Erika Mustermann <erika.mustermann@example.org>\n"
                f"Betreff: Ihre Anfrage\n\n{old_text}")
    quoted = "\n".join("> " + line if line else ">" for line in old_text.splitlines())
    if style == "gmail":
        return f"{new_text}\n\nAm Do., 12. März 2026 um 10:15 Uhr schrieb {author} <\n{address}>:\n\n{quoted}\n"
    if style == "thunderbird":
        return f"{new_text}\n\nAm 12.03.26 um 10:15 schrieb {author}:\n{quoted}\n"
    if style == "apple":
        return f"{new_text}\n\n> Am 12.03.2026 um 10:15 schrieb {author} <{address}>:\n>\n{quoted}\n"
    raise ValueError(f"unknown reply style {style!r}")


def _big_content(size: int, index: int) -> bytes:
    block = random.Random(index).randbytes(64 * 1024)
    return (block * (size // len(block) + 1))[:size]


def _malformed_variant(rng: random.Random, index: int) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:
        return rng.randbytes(rng.randrange(16, 600))
    if kind == 1:
        return _mail([("To", SERVICE), ("Subject", f"Ohne Absender {index}"), ("Message-ID", f"<m{index}@x>")], [],
                     b"Text\r\n")
    if kind == 2:
        return f"Received: from relay{index}.example.org by mx.example.org\r\nSubject: Abgebro".encode()
    return _mail([("From", f"Gruppe {index}:;"), ("To", SERVICE)], [], b"Text\r\n")


def mixed_corpus(count: int, *, seed: int, malformed_share: float = 0.05, duplicate_share: float = 0.02,
                 big_attachment_every: int = 0, big_attachment_bytes: int = 10 * 1024 * 1024) -> list[bytes]:
    """``count`` realistic mails, the same for the same seed: plain and HTML, replies with quoted
    history, attachments, a few robots, the given shares of malformed mails and of redeliveries
    (byte-identical copies of earlier mails); every other mail has its own Message-ID."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
    mails: list[bytes] = []
    for index in range(count):
        roll = rng.random()
        if mails and roll < duplicate_share:
            mails.append(mails[rng.randrange(len(mails))])
            continue
        if roll < duplicate_share + malformed_share:
            mails.append(_malformed_variant(rng, index))
            continue
        name = rng.choice(_NAMES)
        local = name.lower().replace(" ", ".").translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss",
                                                                        "ı": "i"}))
        sender = f"{name} <{local}@{rng.choice(_DOMAINS)}>"
        number = f"{rng.randrange(10000, 99999)}"
        subject = rng.choice(_SUBJECTS).format(n=number)
        body = rng.choice(_BODIES).format(n=number, name=name)
        charset, encoding = rng.choice(_CHARSETS)
        domain = sender.rsplit("@", 1)[1].rstrip(">")
        message_id = f"<{seed}.{index}.{number}@{domain}>"
        date = start + dt.timedelta(minutes=7 * index)
        common: dict = {"sender": sender, "subject": subject, "message_id": message_id, "date": date}
        kind = rng.random()
        if big_attachment_every and index % big_attachment_every == big_attachment_every - 1:
            raw = mail_with_attachment(body=body, filename=f"Scan_{number}.pdf",
                                       content=_big_content(big_attachment_bytes, index), **common)
        elif kind < 0.50:
            raw = plain_mail(body=body, charset=charset, encoding=encoding, **common)
        elif kind < 0.70:
            html = "".join(f"<p>{line}</p>" for line in body.split("\n\n"))
            raw = html_mail(html=html, text=body, charset=charset, encoding=encoding, **common)
        elif kind < 0.82:
            earlier = f"<ack.{seed}.{index}@kundennah.example.org>"
            reply = reply_body(body, "Guten Tag,\nwir haben Ihre Anfrage erhalten.",
                               style=rng.choice(["outlook", "gmail", "thunderbird", "apple"]))
            raw = plain_mail(body=reply, charset=charset, encoding=encoding, in_reply_to=earlier,
                             references=[earlier], **{**common, "subject": "AW: " + subject})
        elif kind < 0.94:
            raw = mail_with_attachment(body=body, filename=rng.choice(["Rechnung März.pdf", "Foto Zähler.jpg",
                                                                      "Kündigung.docx", "scan0001.pdf"]),
                                       content=rng.randbytes(rng.randrange(2_000, 60_000)),
                                       filename_style=rng.choice(["rfc2231", "rfc2047"]), **common)
        elif kind < 0.97:
            raw = auto_reply(sender=sender, message_id=message_id)
        else:
            raw = bounce(failed_recipient=f"{local}@{rng.choice(_DOMAINS)}",
                         original_message_id=f"<ack.{seed}.{index}@kundennah.example.org>",
                         message_id=message_id, date=date)
        mails.append(raw)
    return mails
