"""Mail HTML made safe to show inside the agent's page.

nh3 (ammonia) removes everything that could run, style or track beyond plain formatting; a
second, small pass over its well-formed output moves remote image URLs out of ``src`` into
``data-blocked-src``, so opening a mail does not tell the sender it was read (and from where).
The UI may put them back on demand.
"""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del",
    "div", "dl", "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
})
# Tags whose content is not text for the reader and must go with the tag.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "head", "template", "noscript", "textarea", "select"})
ALLOWED_ATTRIBUTES = {
    "*": {"align", "dir", "lang", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "face", "size"},
    "table": {"border", "cellpadding", "cellspacing", "width"},
    "td": {"colspan", "rowspan", "valign", "width"},
    "th": {"colspan", "rowspan", "valign", "width", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "ol": {"start", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
# data: is never allowed: inline images arrive as cid: references to the mail's own parts.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", "cid"})
LINK_REL = "noopener noreferrer nofollow"
BLOCKED_SRC = "data-blocked-src"

_cleaner = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    strip_comments=True,
    link_rel=LINK_REL,
    set_tag_attribute_values={"a": {"target": "_blank"}},
    url_schemes=set(URL_SCHEMES),
    # A relative URL in a mail can only point at our own server (a GET the agent never meant).
    url_relative="deny",
)


def _is_remote(url: str) -> bool:
    return url.strip().lower().startswith(("http:", "https:"))


class _ImageGate(HTMLParser):
    """Re-emits nh3 output unchanged except for remote image sources."""

    def __init__(self, *, allow_remote_images: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_remote_images = allow_remote_images
        self.out: list[str] = []
        self.blocked = 0
        self.remote = 0

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closing: str) -> None:
        parts = [tag]
        for name, value in attrs:
            if tag == "img" and name == "src" and value and _is_remote(value):
                self.remote += 1
                if not self.allow_remote_images:
                    self.blocked += 1
                    name = BLOCKED_SRC
            parts.append(name if value is None else f'{name}="{escape(value, quote=True)}"')
        self.out.append("<" + " ".join(parts) + closing + ">")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def _gate(html: str, *, allow_remote_images: bool) -> _ImageGate:
    gate = _ImageGate(allow_remote_images=allow_remote_images)
    gate.feed(_cleaner.clean(html.replace("\x00", "")))
    gate.close()
    return gate


def html_sanitise(html: str, *, allow_remote_images: bool = False) -> str:
    """Only harmless formatting, links that open apart, remote images blocked unless allowed."""
    if not html or not html.strip():
        return ""
    return "".join(_gate(html, allow_remote_images=allow_remote_images).out)


def html_sanitise_counting(html: str) -> tuple[str, bool]:
    """The sanitised HTML (remote images blocked) and whether it had any remote images."""
    if not html or not html.strip():
        return "", False
    gate = _gate(html, allow_remote_images=False)
    return "".join(gate.out), gate.blocked > 0


def html_has_remote_images(html: str) -> bool:
    """Whether showing this mail in full would load images from other servers."""
    if not html or not html.strip():
        return False
    return _gate(html, allow_remote_images=True).remote > 0
