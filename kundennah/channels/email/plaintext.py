"""Readable plain text from a mail's HTML, and format=flowed text joined again (RFC 3676)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from kundennah.channels.email.charsets import text_clean

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
    return text_clean("\n".join(lines)).strip()


def flowed_join(text: str, *, delsp: bool) -> str:
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
