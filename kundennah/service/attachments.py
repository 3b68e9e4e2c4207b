"""Files customers and agents attach: checked by content, stored under their hash.

The type is decided by the file's first bytes, never by its name or the sender's claim: a
program renamed to ``rechnung.pdf`` is still a program. SVG and HTML are refused because a
browser runs the script inside them; the file name is kept only for display and download.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from kundennah.core.errors import ErrorCollector
from kundennah.service.models import Attachment, Message


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes
    content_id: str = ""  # an inline image of a mail


# (magic prefix, content type); checked in order.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    # Office documents (docx, xlsx, odt…) and zip archives share the zip signature.
    (b"PK\x03\x04", "application/zip"),
]
_OFFICE_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".zip": "application/zip",
}
_EXECUTABLE = [b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!"]
_MARKUP = (b"<svg", b"<?xml", b"<!doctype html", b"<html", b"<script")


def _sniff(content: bytes, filename: str) -> str | None:
    head = content[:512]
    if any(head.startswith(sig) for sig in _EXECUTABLE):
        return None
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            if content_type == "application/zip":
                suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ".zip"
                return _OFFICE_TYPES.get(suffix, "application/zip")
            return content_type
    # Plain text (notes, CSV exports) passes if it is text and not markup a browser would run.
    try:
        text = content[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text.lstrip().lower().encode()
    if any(marker in lowered[:1024] for marker in _MARKUP) or "\x00" in text:
        return None
    return "text/plain"


def filename_clean(raw: str) -> str:
    """The last path segment, without control characters and at most 150 characters."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "datei"
    if len(name) > 150:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 140] + dot + suffix[:9]) if dot else name[:150]
    return name


def attachments_check(files: list[IncomingFile], *, field: str = "attachments") -> list[tuple[IncomingFile, str]]:
    """Each file with its sniffed content type; raises with one error per refused file."""
    errors = ErrorCollector()
    if len(files) > settings.ATTACHMENTS_PER_MESSAGE:
        errors.add(field, "too_many", _("At most %(count)d files per message.") % {
            "count": settings.ATTACHMENTS_PER_MESSAGE})
    checked = []
    for index, incoming in enumerate(files):
        path = f"{field}[{index}]"
        if len(incoming.content) > settings.ATTACHMENT_MAX_BYTES:
            errors.add(path, "too_large", _("This file is larger than %(mb)d MB.") % {
                "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)})
            continue
        if not incoming.content:
            errors.add(path, "empty", _("This file is empty."))
            continue
        content_type = _sniff(incoming.content, incoming.filename)
        if content_type is None:
            errors.add(path, "file_type_refused", _(
                "This kind of file is not accepted. Please send PDF, images, office documents or text."))
            continue
        checked.append((incoming, content_type))
    errors.raise_if_any()
    return checked


def attachments_store(message: Message, checked: list[tuple[IncomingFile, str]]) -> list[Attachment]:
    stored = []
    for incoming, content_type in checked:
        digest = hashlib.sha256(incoming.content).hexdigest()
        attachment = Attachment(
            message=message, filename=filename_clean(incoming.filename), content_type=content_type,
            size=len(incoming.content), sha256=digest, content_id=incoming.content_id[:250],
        )
        attachment.file.save(digest, ContentFile(incoming.content), save=False)
        attachment.save()
        stored.append(attachment)
    return stored

