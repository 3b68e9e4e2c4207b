"""Reading mail as it really arrives: every charset, broken headers, robots, quoted history, hostile bytes."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundennah.channels.email.parsing import MalformedMail, address_key, mail_parse
from kundennah.channels.email.quoting import quoted_split
from kundennah.channels.email.tests import corpus

CRLF = "\r\n"


def raw(*header_lines: str, body: str = "Hallo", body_bytes: bytes | None = None) -> bytes:
    head = CRLF.join(header_lines).encode("utf-8", errors="surrogateescape")
    return head + (CRLF * 2).encode() + (body_bytes if body_bytes is not None else body.encode())


# --- Charsets and headers ---------------------------------------------------------------------


@pytest.mark.parametrize(("name", "mail", "fragment"), corpus.charset_samples(),
                         ids=[sample[0] for sample in corpus.charset_samples()])
def test_every_charset_german_mail_arrives_in_decodes_with_umlauts_intact(name, mail, fragment):
    parsed = mail_parse(mail)
    assert fragment in parsed.text
    assert "\ufffd" not in parsed.text


def test_windows_1252_labelled_as_latin_1_keeps_euro_sign_and_german_quotes():
    mail = raw("From: a@example.org", "Subject: Preis", "Content-Type: text/plain; charset=iso-8859-1",
               "Content-Transfer-Encoding: 8bit", body_bytes="„Zählerstand“ kostet 12 €".encode("cp1252"))
    assert mail_parse(mail).text == "„Zählerstand“ kostet 12 €"


def test_encoded_word_subject_and_sender_name_are_decoded():
    mail = raw("From: =?ISO-8859-1?Q?J=FCrgen_Wei=DF?= <juergen@example.org>",
               "Subject: =?UTF-8?B?UmVjaG51bmcgZsO8cg==?= =?UTF-8?Q?_M=C3=A4rz_=E2=82=AC?=")
    parsed = mail_parse(mail)
    assert parsed.subject == "Rechnung für März €"
    assert parsed.from_name == "Jürgen Weiß" and parsed.from_address == "juergen@example.org"


def test_encoded_word_labelled_latin_1_with_euro_sign_reads_as_windows_1252():
    assert mail_parse(raw("From: a@example.org", "Subject: =?iso-8859-1?Q?12_=80?=")).subject == "12 €"


def test_a_character_split_across_two_encoded_words_is_joined():
    # "ü" is C3 BC; some clients cut between the two bytes.
    mail = raw("From: a@example.org", "Subject: =?utf-8?Q?Gr=C3?= =?utf-8?Q?=BC=C3=9Fe?=")
    assert mail_parse(mail).subject == "Grüße"


def test_broken_encoded_words_and_raw_8bit_headers_still_give_readable_text():
    mail = raw("From: a@example.org", "Subject: Re:=?utf-8?B?w6Rw?=!  =?bogus-charset?Q?gr=FC=DFe?= =?utf-8?B?###?=")
    subject = mail_parse(mail).subject
    assert subject.startswith("Re:äp!") and "grüße" in subject
    latin = b"From: =?x?q?x?= <a@example.org>\r\nSubject: R\xfcckruf erbeten\r\n\r\nText"
    assert mail_parse(latin).subject == "Rückruf erbeten"
    utf8 = "From: Jörg <a@example.org>\r\nSubject: Rückruf\r\n\r\nText".encode()
    parsed = mail_parse(utf8)
    assert parsed.subject == "Rückruf" and parsed.from_name == "Jörg"


def test_folded_subject_becomes_one_line():
    mail = raw("From: a@example.org", "Subject: Eine sehr lange\r\n Betreffzeile\r\n\tüber drei Zeilen")
    assert mail_parse(mail).subject == "Eine sehr lange Betreffzeile über drei Zeilen"


def test_threading_headers_and_addresses_are_read_without_angle_brackets():
    mail = corpus.plain_mail(
        message_id="<new@example.org>", in_reply_to="<ack-1@kundennah.example.org>",
        references=["<first@example.org>", "<ack-1@kundennah.example.org>"], cc=["Max <max@example.com>"],
        headers={"Reply-To": "Erika Privat <erika.privat@example.net>",
                 "Delivered-To": "service+12-abc@kundennah.example.org",
                 "X-Original-To": "service@kundennah.example.org"})
    parsed = mail_parse(mail)
    assert parsed.message_id == "new@example.org"
    assert parsed.in_reply_to == ["ack-1@kundennah.example.org"]
    assert parsed.references == ["first@example.org", "ack-1@kundennah.example.org"]
    assert parsed.from_name == "Erika Mustermann" and parsed.from_address == "erika.mustermann@example.org"
    assert parsed.reply_to == "erika.privat@example.net"
    assert parsed.to == ["service@kundennah.example.org"] and parsed.cc == ["max@example.com"]
    assert parsed.delivered_to == ["service+12-abc@kundennah.example.org", "service@kundennah.example.org"]
    assert parsed.date == dt.datetime(2026, 3, 12, 10, 15, tzinfo=dt.UTC)
    assert parsed.auto == "" and parsed.attachments == []


def test_a_missing_or_nonsense_date_is_none_not_an_error():
    assert mail_parse(raw("From: a@example.org")).date is None
    assert mail_parse(raw("From: a@example.org", "Date: gestern Nachmittag")).date is None
    assert mail_parse(raw("From: a@example.org", "Date: Thu, 12 Mar 2026 10:15:00 -0000")).date.tzinfo is not None


def test_format_flowed_soft_line_breaks_are_joined():
    mail = corpus.plain_mail(body="Das ist ein langer \nSatz.\n\nZweiter Absatz.\n", flowed=True, encoding="8bit")
    assert mail_parse(mail).text == "Das ist ein langer Satz.\n\nZweiter Absatz."


# --- Structure ------------------------------------------------------------------------------


def test_alternative_mail_gives_its_plain_text_and_the_sanitised_html():
    mail = corpus.html_mail(text="Nur Text.", html="<p>Als <b>HTML</b></p><script>alert(1)</script>")
    parsed = mail_parse(mail)
    assert parsed.text == "Nur Text."
    assert parsed.html == "<p>Als <b>HTML</b></p>"


def test_html_only_mail_gets_text_with_line_breaks_and_decoded_entities():
    mail = corpus.html_mail(html="<div>Guten Tag,</div><div><br></div><div>Preis: 5&nbsp;&euro; &amp; mehr</div>"
                                 "<ul><li>eins</li><li>zwei</li></ul><style>p {color: red}</style>")
    assert mail_parse(mail).text == "Guten Tag,\n\nPreis: 5\xa0€ & mehr\n\n- eins\n- zwei"


def test_inline_picture_referenced_by_cid_is_kept_as_inline_attachment():
    mail = corpus.html_mail(html='<p>Mein Zähler:</p><img src="cid:zaehler@example.org">',
                            inline_images=[("zaehler@example.org", b"\x89PNG\r\n", "image/png")])
    parsed = mail_parse(mail)
    assert '<img src="cid:zaehler@example.org">' in parsed.html
    [picture] = parsed.attachments
    assert picture.inline and picture.content_id == "zaehler@example.org"
    assert picture.content == b"\x89PNG\r\n" and picture.content_type == "image/png"


def test_attachment_with_umlaut_filename_in_every_encoding_style():
    for style in ("rfc2231", "rfc2047", "raw-utf8"):
        parsed = mail_parse(corpus.mail_with_attachment(filename="Rechnung März €.pdf", filename_style=style))
        [attachment] = parsed.attachments
        assert attachment.filename == "Rechnung März €.pdf", style
        assert attachment.content_type == "application/pdf" and not attachment.inline
        assert "anbei die Unterlagen" in parsed.text


def test_rfc2231_filename_in_continuations_with_latin_1_charset():
    mail = raw("From: a@example.org", 'Content-Type: multipart/mixed; boundary="b"', body=(
        "--b\r\nContent-Type: text/plain\r\n\r\nText\r\n--b\r\nContent-Type: application/pdf\r\n"
        "Content-Disposition: attachment; filename*0*=iso-8859-1''K%FCndigung%20;\r\n filename*1=zum%2031.pdf\r\n"
        "\r\nPDF\r\n--b--\r\n"))
    assert [a.filename for a in mail_parse(mail).attachments] == ["Kündigung zum%2031.pdf"]


@pytest.mark.parametrize(("declared", "kept"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\y.exe", "y.exe"),
    ("..", "attachment.pdf"),  # named after its type
    ("rechnung\u202efdp.exe", "rechnungfdp.exe"),
    ("a\x00b\x1fc.txt", "abc.txt"),
    ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
])
def test_path_tricks_and_control_characters_in_filenames_are_removed(declared, kept):
    mail = corpus.mail_with_attachment(filename="placeholder.bin", filename_style="plain", content=b"x")
    mail = mail.replace(b'filename="placeholder.bin"', f'filename="{declared}"'.encode())
    [attachment] = mail_parse(mail).attachments
    assert attachment.filename == kept
    assert len(attachment.filename) <= 200


def test_attachment_without_name_gets_a_fallback_name():
    mail = raw("From: a@example.org", 'Content-Type: multipart/mixed; boundary="b"', body=(
        "--b\r\nContent-Type: text/plain\r\n\r\nText\r\n--b\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment\r\n\r\ndata\r\n--b--\r\n"))
    assert [a.filename for a in mail_parse(mail).attachments] == ["attachment.bin"]


def test_oversized_attachment_is_dropped_and_listed_by_name():
    mail = corpus.mail_with_attachment(filename="Scan.pdf", content=b"x" * 5000,
                                       attachments=[("klein.txt", b"ok", "text/plain")])
    parsed = mail_parse(mail, max_attachment_bytes=1000)
    assert parsed.dropped_attachments == ["Scan.pdf"]
    assert [a.filename for a in parsed.attachments] == ["klein.txt"]
    assert "anbei die Unterlagen" in parsed.text  # a text attachment is not the body


def test_forwarded_mail_is_attached_as_eml_and_winmail_dat_is_kept():
    inner = corpus.plain_mail(subject="Alte Nachricht", body="Innen", message_id="<inner@example.org>")
    mail = raw("From: a@example.org", 'Content-Type: multipart/mixed; boundary="b"', body_bytes=(
        b"--b\r\nContent-Type: text/plain\r\n\r\nSiehe unten\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner
        + b"\r\n--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\nContent-Transfer-Encoding: base64"
        b"\r\n\r\neJ8+IgAA\r\n--b--\r\n"))
    parsed = mail_parse(mail)
    assert parsed.text == "Siehe unten"
    forwarded, tnef = parsed.attachments
    assert forwarded.filename == "Alte Nachricht.eml" and forwarded.content_type == "message/rfc822"
    assert mail_parse(forwarded.content).text == "Innen"
    assert tnef.filename == "winmail.dat" and tnef.content == b"x\x9f>\"\x00\x00"


def test_multipart_without_boundary_degrades_to_text():
    mail = raw("From: a@example.org", "Content-Type: multipart/mixed", body="Nur Text ohne Teile")
    assert "Nur Text ohne Teile" in mail_parse(mail).text


# --- Robots -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "subject", "kind"), [
    ({"Auto-Submitted": "auto-generated"}, "Ihre Bestellung", "auto-submitted"),
    ({"Auto-Submitted": "no"}, "Ihre Bestellung", ""),
    ({"X-Autoreply": "yes"}, "Ihre Bestellung", "auto-reply-header"),
    ({"X-Autorespond": "Ich bin im Urlaub"}, "Ihre Bestellung", "auto-reply-header"),
    ({"X-Auto-Response-Suppress": "DR, OOF, AutoReply"}, "Ihre Bestellung", "auto-reply-header"),
    ({"Precedence": "bulk"}, "Newsletter März", "precedence"),
    ({"Precedence": "junk"}, "Gewinnspiel", "precedence"),
    ({"List-Id": "Kunden <kunden.lists.example.org>"}, "Diskussion", "mailing-list"),
    ({"List-Unsubscribe": "<mailto:leave@example.org>"}, "Angebot", "mailing-list"),
    ({"Return-Path": "<>"}, "Zustellung fehlgeschlagen", "mailer-daemon"),
    ({}, "Automatische Antwort: Ihre Anfrage", "out-of-office"),
    ({}, "Automatic reply: Your request", "out-of-office"),
    ({}, "Abwesenheitsnotiz: Rechnung", "out-of-office"),
    ({}, "Out of Office: Rechnung", "out-of-office"),
    ({}, "Frage zur Abwesenheitsnotiz in Ihrem Portal", ""),
])
def test_robots_and_bulk_mail_are_recognised(headers, subject, kind):
    assert mail_parse(corpus.plain_mail(subject=subject, headers=headers)).auto == kind


def test_exchange_out_of_office_reply_is_classified_as_out_of_office():
    parsed = mail_parse(corpus.auto_reply(in_reply_to="<ack@kundennah.example.org>"))
    assert parsed.auto == "out-of-office" and parsed.in_reply_to == ["ack@kundennah.example.org"]


def test_mail_from_mailer_daemon_without_report_is_a_robot():
    mail = corpus.plain_mail(sender="MAILER-DAEMON@mx.example.org", subject="Warning: message delayed")
    assert mail_parse(mail).auto == "mailer-daemon"


def test_delivery_status_notification_names_the_failed_recipient_and_the_returned_mail():
    mail = corpus.bounce(failed_recipient="Erika.Mustermann@Example.org", original_message_id="<ack-7@kundennah.org>")
    parsed = mail_parse(mail)
    assert parsed.auto == "delivery-status"
    assert parsed.bounce_recipients == ["erika.mustermann@example.org"]
    assert "ack-7@kundennah.org" in parsed.references
    assert parsed.from_address == "MAILER-DAEMON@mx.example.org"


def test_delivery_report_with_only_delayed_recipients_has_no_failed_recipient():
    mail = corpus.bounce(failed_recipient="a@example.org", original_message_id="<x@y>").replace(
        b"Action: failed", b"Action: delayed").replace(b"Status: 5.1.1", b"Status: 4.4.1")
    parsed = mail_parse(mail)
    assert parsed.auto == "delivery-status" and parsed.bounce_recipients == []


# --- Malformed and hostile bytes ------------------------------------------------------------------


@pytest.mark.parametrize("sample", corpus.malformed_samples())
def test_malformed_samples_are_refused_with_a_reason(sample):
    with pytest.raises(MalformedMail) as refused:
        mail_parse(sample)
    assert refused.value.reason


def test_mixed_corpus_is_deterministic_and_every_distinct_mail_has_its_own_message_id():
    mails = corpus.mixed_corpus(200, seed=7, malformed_share=0.1, duplicate_share=0.05)
    assert mails == corpus.mixed_corpus(200, seed=7, malformed_share=0.1, duplicate_share=0.05)
    readable = {}
    for mail in mails:
        try:
            readable[mail] = mail_parse(mail)
        except MalformedMail:
            continue
    assert 150 < len(readable) < 200
    assert len(set(mails)) < len(mails)  # the deliberate redeliveries
    assert len({parsed.message_id for parsed in readable.values()}) == len(readable)
    assert sum(any(ch in parsed.text for ch in "äöüß") for parsed in readable.values()) > 100


def test_big_attachment_every_nth_mail():
    mails = corpus.mixed_corpus(4, seed=3, malformed_share=0, duplicate_share=0, big_attachment_every=2,
                                big_attachment_bytes=200_000)
    sizes = [max((len(a.content) for a in mail_parse(mail).attachments), default=0) for mail in mails]
    assert sizes[1] == sizes[3] == 200_000


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise_anything_but_malformed_mail(data):
    with contextlib.suppress(MalformedMail):
        mail_parse(data)


_MIME_PREFIX = (b"From: =?utf-8?q?T=C3=A4st?= <a@example.org>\r\nSubject: =?x?B?w6Q?=\r\nMIME-Version: 1.0\r\n"
                b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    b"--b\r\n", b"--b--\r\n", b"Content-Type: text/html; charset=x-bogus\r\n", b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n", b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"Content-Disposition: attachment; filename*0*=utf-8''%C3; filename*1*=%A4\r\n", b"\r\n", b"=C3=A4=\r\n",
    b"<img src=http://x onerror=alert(1)>", b"w6Q=\r\n", b"\xff\xfe\x00", b"Content-Type: multipart/alternative; "
    b"boundary=c\r\n", b"--c\r\n", b"Content-Type: message/delivery-status\r\n", b"Final-Recipient: rfc822;\r\n",
]), max_size=40))
def test_broken_mime_structures_never_raise_and_always_have_a_sender(pieces):
    parsed = mail_parse(_MIME_PREFIX + b"".join(pieces))
    assert parsed.from_address == "a@example.org"
    assert "\x00" not in parsed.text and "onerror" not in parsed.html


# --- Addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(("address", "key"), [
    ("Erika+rechnung@Example.ORG", "erika@example.org"),
    ("  ERIKA@example.org ", "erika@example.org"),
    ("erika@example.org", "erika@example.org"),
    ("+only@example.org", "+only@example.org"),
    ("no-at-sign", "no-at-sign"),
])
def test_address_key_folds_case_and_plus_tags(address, key):
    assert address_key(address) == key


# --- Quoted history -----------------------------------------------------------------------------

EARLIER = "Guten Tag,\nwir haben Ihre Anfrage erhalten.\nIhr Service-Team"
NOW = "Danke, das Problem besteht aber weiterhin."


@pytest.mark.parametrize("style", ["outlook", "gmail", "thunderbird", "apple"])
def test_reply_quoted_by_common_clients_is_folded(style):
    current, history = quoted_split(corpus.reply_body(NOW, EARLIER, style=style))
    assert current == NOW
    assert "wir haben Ihre Anfrage erhalten" in history


def test_reply_quoted_in_outlook_original_message_style_is_folded():
    text = f"{NOW}\n\n-----Ursprüngliche Nachricht-----\nVon: Service <s@example.org>\nGesendet: Montag\n\n{EARLIER}"
    assert quoted_split(text) == (NOW, f"-----Ursprüngliche Nachricht-----\nVon: Service <s@example.org>\n"
                                       f"Gesendet: Montag\n\n{EARLIER}")
    english = f"{NOW}\n-----Original Message-----\nFrom: x\n{EARLIER}"
    assert quoted_split(english)[0] == NOW


def test_outlook_header_block_without_separator_is_folded():
    text = (f"{NOW}\n\nVon: Service <s@example.org>\nGesendet: Donnerstag, 12. März 2026 10:15\n"
            f"An: erika@example.org\nBetreff: AW: Rechnung\n\n{EARLIER}")
    current, history = quoted_split(text)
    assert current == NOW and history.startswith("Von: Service")


def test_gmail_english_attribution_is_folded():
    quoted = "> " + EARLIER.replace("\n", "\n> ")
    text = f"{NOW}\n\nOn Tue, Mar 12, 2026 at 10:15 AM Erika Muster <erika@example.org> wrote:\n\n{quoted}"
    current, history = quoted_split(text)
    assert current == NOW and history.startswith("On Tue")


def test_answers_written_between_quoted_lines_are_not_hidden():
    text = "Am 12.03.2026 um 10:15 schrieb Service:\n> Wann passt es Ihnen?\nDienstag.\n> Vormittags?\nJa."
    assert quoted_split(text) == (text, "")


def test_a_mail_that_is_only_quoted_stays_whole():
    text = "> Nur Zitat\n> ohne eigenen Text"
    assert quoted_split(text) == (text, "")
    assert quoted_split("") == ("", "")


def test_a_customer_mentioning_von_and_underscores_is_not_folded():
    text = "Von: meiner Seite alles erledigt.\n____________________________\nBitte bestätigen."
    assert quoted_split(text) == (text, "")
