"""Mail HTML shown to agents: formatting stays, nothing runs, nothing phones home unasked."""

from __future__ import annotations

import pytest

from kundennah.channels.email.parsing import mail_parse
from kundennah.channels.email.sanitising import html_has_remote_images, html_sanitise
from kundennah.channels.email.tests import corpus


def test_common_formatting_survives():
    html = ("<h2>Titel</h2><p>Ein <b>fetter</b>, <i>kursiver</i> und <u>unterstrichener</u> Text.</p>"
            "<ul><li>eins</li></ul><blockquote>Zitat</blockquote><table><tbody><tr><td colspan=\"2\">Zelle</td>"
            "</tr></tbody></table><pre>code</pre><hr>")
    assert html_sanitise(html) == html


@pytest.mark.parametrize("attack", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">klick</a>',
    '<a href="JaVaScRiPt:alert(1)">klick</a>',
    '<a href="java&#x09;script:alert(1)">klick</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<a href="data:text/html,<script>alert(1)</script>">klick</a>',
    '<iframe src="https://evil.example.com"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example.com"><input name="pw"></form>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)" onmouseover="alert(1)">x</p>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
])
def test_scripts_event_handlers_and_dangerous_urls_are_removed(attack):
    cleaned = html_sanitise(f"<p>Hallo</p>{attack}").lower()
    for forbidden in ("<script", "onerror", "onclick", "onload", "onmouseover", "javascript:", "data:", "<iframe",
                      "<object", "<embed", "<form", "<input", "<style", "style=", "<svg"):
        assert forbidden not in cleaned, forbidden
    assert "hallo" in cleaned


def test_links_open_apart_and_tell_nothing_about_the_page():
    cleaned = html_sanitise('<a href="https://example.org/hilfe" target="_self" rel="opener">Hilfe</a>')
    assert cleaned == ('<a href="https://example.org/hilfe" target="_blank" rel="noopener noreferrer nofollow">'
                       "Hilfe</a>")


def test_relative_links_and_images_which_would_hit_our_own_server_are_removed():
    cleaned = html_sanitise('<a href="/admin/logout">x</a><img src="/api/delete?id=1"><img src="//evil.example.com/p">')
    assert "/admin" not in cleaned and "/api" not in cleaned and "evil" not in cleaned


def test_remote_image_is_blocked_but_kept_for_showing_on_demand():
    html = '<p>Logo</p><img src="https://tracker.example.com/pixel.gif?u=erika" alt="Logo">'
    blocked = html_sanitise(html)
    assert blocked == ('<p>Logo</p><img data-blocked-src="https://tracker.example.com/pixel.gif?u=erika" '
                       'alt="Logo">')
    assert " src=" not in blocked
    assert html_has_remote_images(html)


def test_remote_image_is_shown_when_allowed():
    html = '<img src="http://example.org/bild.png">'
    assert html_sanitise(html, allow_remote_images=True) == '<img src="http://example.org/bild.png">'


def test_inline_cid_image_keeps_its_source_and_counts_as_local():
    html = '<img src="cid:bild1@example.org" alt="Zähler">'
    assert html_sanitise(html) == '<img src="cid:bild1@example.org" alt="Zähler">'
    assert not html_has_remote_images(html)


def test_a_blocked_source_cannot_be_smuggled_in_by_the_sender():
    cleaned = html_sanitise('<img data-blocked-src="javascript:alert(1)" src="cid:a">')
    assert cleaned == '<img src="cid:a">'


def test_inline_styles_are_dropped_and_text_is_escaped():
    cleaned = html_sanitise('<p style="position:fixed">1 &lt; 2 &amp; "drei"</p>')
    assert cleaned == '<p>1 &lt; 2 &amp; "drei"</p>'


def test_empty_html_stays_empty():
    assert html_sanitise("") == "" and html_sanitise("   ") == ""
    assert not html_has_remote_images("")


def test_a_parsed_mail_with_a_tracking_pixel_says_so():
    mail = corpus.html_mail(html='<p>Angebot</p><img src="https://t.example.com/o.gif"><script>x()</script>')
    parsed = mail_parse(mail)
    assert parsed.has_remote_images
    assert parsed.html == '<p>Angebot</p><img data-blocked-src="https://t.example.com/o.gif">'
    assert parsed.text == "Angebot"
