"""parsing.parse on real email bytes, including the broken kinds real clients send."""

import base64
from email import encoders
from email.header import Header
from email.message import EmailMessage, Message
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText

from caredesk.mail.parsing import decode, parse

from .mails import eml


def test_sender_subject_and_thread_headers_are_read_and_ids_normalised():
    parsed = parse(eml(
        sender='"Miggins, Mrs" <Miggins@Example.com>',
        subject="Re: My pie shop order",
        message_id="<Reply-2@Mail.Example.com>",
        in_reply_to="<Agent-1@Desk.Example>",
        references="<First-0@mail.example.com> <Agent-1@Desk.Example>",
    ))
    assert (parsed.from_name, parsed.from_address, parsed.subject) == (
        "Miggins, Mrs", "miggins@example.com", "Re: My pie shop order",
    )
    assert (parsed.message_id, parsed.in_reply_to, parsed.references) == (
        "reply-2@mail.example.com", ["agent-1@desk.example"], ["first-0@mail.example.com", "agent-1@desk.example"],
    )


def test_rfc_2047_encoded_subjects_and_names_are_decoded():
    message = Message()
    message["From"] = Header("Zoë Dupré", "iso-8859-1").encode() + " <zoe@example.fr>"
    message["Subject"] = Header("Réclamation : colis abîmé", "iso-8859-1").encode()
    message.set_payload("Bonjour")
    raw = message.as_bytes()
    assert b"=?iso-8859-1?q?" in raw  # really encoded on the wire
    parsed = parse(raw)
    assert (parsed.subject, parsed.from_name, parsed.from_address) == (
        "Réclamation : colis abîmé", "Zoë Dupré", "zoe@example.fr",
    )


def test_utf8_encoded_word_subject_with_an_emoji_is_decoded():
    raw = eml(subject="Parcel 📦 arrived crushed")
    assert b"=?utf-8?" in raw
    assert parse(raw).subject == "Parcel 📦 arrived crushed"


def test_text_labelled_utf8_but_written_in_latin1_is_read_without_crashing():
    part = MIMENonMultipart("text", "plain", charset="utf-8")
    part.set_payload("Café crème, déjà payé.".encode("latin-1"))
    encoders.encode_base64(part)
    part["From"] = "zoe@example.fr"
    part["Subject"] = "Mislabelled"
    assert parse(part.as_bytes()).text == "Café crème, déjà payé."


def test_text_in_an_unknown_charset_is_read_as_utf8():
    message = Message()
    message["From"] = "miggins@example.com"
    message["Content-Type"] = 'text/plain; charset="x-mac-unknown"'
    message["Content-Transfer-Encoding"] = "base64"
    message.set_payload(base64.b64encode("Twelve pies — £36".encode()).decode())
    assert parse(message.as_bytes()).text == "Twelve pies — £36"


def test_mostly_utf8_text_with_one_broken_byte_keeps_the_rest():
    assert decode("Crème brûlée".encode() + b" \xff!", "utf-8") == "Crème brûlée \ufffd!"


def test_latin1_label_reads_windows_quotes_as_quotes():
    assert decode(b"\x93Fresh\x94 pies", "iso-8859-1") == "\u201cFresh\u201d pies"


def test_html_only_mail_becomes_readable_text_and_sanitised_html():
    raw = eml(
        text=None,
        html="<html><head><style>p {color: red}</style></head><body><p>Hello,</p>"
        "<p>The <b>pies</b> were cold.<br>Please refund me.</p><script>alert('x')</script></body></html>",
    )
    parsed = parse(raw)
    assert parsed.text == "Hello,\n\nThe pies were cold.\nPlease refund me."
    assert parsed.html == "<p>Hello,</p><p>The <b>pies</b> were cold.<br>Please refund me.</p>"


def test_plain_text_is_preferred_and_the_html_alternative_kept_sanitised():
    parsed = parse(eml(text="The plain words.", html='<p onclick="steal()">The <i>rich</i> words.</p>'))
    assert (parsed.text, parsed.html) == ("The plain words.", "<p>The <i>rich</i> words.</p>")


def test_attachments_keep_their_name_type_and_bytes():
    pdf = b"%PDF-1.4 receipt for twelve pies"
    parsed = parse(eml(attachments=(("receipt.pdf", "application/pdf", pdf), ("shop.png", "image/png", b"\x89PNG"))))
    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("receipt.pdf", "application/pdf", pdf), ("shop.png", "image/png", b"\x89PNG"),
    ]
    assert parsed.text == "Hello,\n\nI ordered twelve pies on Monday and nothing came.\n\nMrs Miggins"


def test_a_forwarded_email_is_kept_whole_as_an_attachment():
    forwarded = EmailMessage()
    forwarded["From"] = "courier@example.net"
    forwarded["Subject"] = "Delivery failed"
    forwarded.set_content("We could not deliver your parcel.")
    message = MIMEMultipart()
    message["From"] = "miggins@example.com"
    message["Subject"] = "Fwd: Delivery failed"
    message.attach(MIMEText("See what the courier sent me."))
    message.attach(MIMEMessage(forwarded))
    parsed = parse(message.as_bytes())
    assert parsed.text == "See what the courier sent me."
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("Delivery failed.eml", "message/rfc822")
    assert b"We could not deliver your parcel." in attachment.content


def test_a_from_header_the_parser_rejects_falls_back_to_the_raw_header():
    message = Message()  # compat32 writes the header as given, broken as it is
    message["From"] = '"Miggins, Mrs" <miggins@example.com>, "'
    message["Subject"] = "Broken From"
    message.set_payload("Still me.")
    parsed = parse(message.as_bytes())
    assert (parsed.from_name, parsed.from_address) == ("Miggins, Mrs", "miggins@example.com")


def test_a_message_id_the_parser_rejects_is_read_from_the_raw_header():
    raw = b"From: miggins@example.com\r\nMessage-ID: <[Odd]@example.com>\r\nSubject: x\r\n\r\nHi\r\n"
    assert parse(raw).message_id == "[odd]@example.com"


def test_nul_characters_are_dropped_from_text_and_subject():
    raw = b"From: miggins@example.com\r\nSubject: Pies\x00 please\r\n\r\nTwelve\x00 pies.\r\n"
    parsed = parse(raw)
    assert (parsed.subject, parsed.text) == ("Pies please", "Twelve pies.")


def test_auto_replies_are_recognised_by_their_headers():
    assert parse(eml(headers={"Auto-Submitted": "auto-replied"})).auto_reply == "Auto-Submitted: auto-replied"
    assert parse(eml(headers={"Auto-Submitted": "no"})).auto_reply == ""
    assert parse(eml(headers={"X-Autoreply": "yes"})).auto_reply == "X-Autoreply: yes"
    assert parse(eml(headers={"Precedence": "Bulk"})).auto_reply == "Precedence: Bulk"
    assert parse(eml(headers={"Precedence": "first-class"})).auto_reply == ""
    assert parse(eml()).auto_reply == ""


# Charsets: mislabelled or unknown labels decode sensibly and never crash --------------------------------


def test_bytes_labelled_us_ascii_that_are_utf8_are_read_as_utf8():
    assert decode("Crème brûlée".encode(), "us-ascii") == "Crème brûlée"


def test_utf8_labelled_latin1_is_read_as_utf8_not_as_mojibake():
    assert decode("Déjà payé".encode(), "iso-8859-1") == "Déjà payé"


def test_real_latin1_text_still_reads_as_latin1():
    assert decode("Déjà payé".encode("latin-1"), "iso-8859-1") == "Déjà payé"


def test_mysqls_utf8mb4_label_is_utf8():
    assert decode("Ünïcödé".encode(), "utf8mb4") == "Ünïcödé"


def test_outlooks_korean_label_is_known():
    assert decode("주문".encode("cp949"), "ks_c_5601-1987") == "주문"


def test_an_unknown_label_reads_utf8_and_else_windows_1252():
    assert (decode("Café".encode(), "x-unknown"), decode(b"Caf\xe9 \x93ok\x94", "x-unknown")) == (
        "Café", "Café \u201cok\u201d",
    )


def test_an_encoded_word_in_an_unknown_charset_is_decoded_like_a_body():
    raw = b"From: zoe@example.fr\r\nSubject: =?x-unknown?Q?caf=E9?=\r\n\r\nHi\r\n"
    assert parse(raw).subject == "café"


def test_raw_utf8_in_headers_is_read_as_utf8():
    raw = "From: Jürgen <j@example.de>\r\nSubject: Größe – falsch\r\n\r\nHi\r\n".encode()
    parsed = parse(raw)
    assert (parsed.subject, parsed.from_name) == ("Größe – falsch", "Jürgen")


def test_carriage_returns_of_any_kind_become_newlines():
    assert parse(b"From: a@example.com\nSubject: x\n\nOne\r\nTwo\rThree\n").text == "One\nTwo\nThree"


def test_a_multipart_the_parser_cannot_split_keeps_its_words_as_text():
    raw = (b"From: a@example.com\r\nSubject: x\r\nContent-Type: multipart/mixed\r\n\r\n"
           b"No boundary was declared.\r\n")
    parsed = parse(raw)
    assert (parsed.text, parsed.attachments) == ("No boundary was declared.", [])


# HTML to text -----------------------------------------------------------------------------------------


def test_html_paragraphs_lists_and_tables_stay_readable():
    from caredesk.mail.parsing import html_to_text

    html = ("<p>Hello,</p><p>My order:</p><ul><li>Apple pie</li><li>Cherry <b>pie</b></li></ul>"
            "<ol><li>First</li><li>Second</li></ol><table><tr><td>Total</td><td>£12</td></tr></table>"
            "<div>Thanks<br>Mrs Miggins</div>")
    assert html_to_text(html) == (
        "Hello,\n\nMy order:\n\n- Apple pie\n- Cherry pie\n\n1. First\n2. Second\n\nTotal  £12\n\n"
        "Thanks\nMrs Miggins"
    )


def test_html_whitespace_is_collapsed_and_scripts_dropped():
    from caredesk.mail.parsing import html_to_text

    assert html_to_text("<p>Twelve\n   pies,\n\tplease.</p><script>steal()</script><style>p{}</style>") == (
        "Twelve pies, please."
    )


def test_inline_pictures_keep_their_content_id():
    message = EmailMessage()
    message["From"] = "miggins@example.com"
    message.set_content("See the picture.")
    message.add_alternative('<p>See <img src="cid:pie@x"></p>', subtype="html")
    message.get_payload()[1].add_related(b"\x89PNG", maintype="image", subtype="png", cid="<pie@x>", filename="p.png")
    [picture] = parse(message.as_bytes()).attachments
    assert (picture.filename, picture.content_id) == ("p.png", "pie@x")
