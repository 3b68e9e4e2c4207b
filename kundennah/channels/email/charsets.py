"""Text from the bytes and header words of mail from the wild: charsets, RFC 2047 encoded words,
controls removed.

German mail labelled ISO-8859-1 is in practice Windows-1252 (€, „“ quotes), and encoded words
are split mid-character by some senders; every function here degrades to the most readable
text instead of failing.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata

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


def unescape_8bit(value: str) -> str:
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


def text_clean(text: str) -> str:
    """No NUL or other controls (the database refuses NUL), no lone surrogates, one kind of line end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return text.encode("utf-8", errors="replace").decode("utf-8")


def one_line(text: str) -> str:
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    return re.sub(r"\s+", " ", text_clean(text)).strip()
