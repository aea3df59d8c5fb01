"""Emails as particular clients and servers write them, for the corpus and the tests.

Each builder returns bytes shaped like its sender's: Gmail's ids and gmail_quote, Outlook's Thread-Index
and reply header, Apple Mail's boundaries and quoted-printable, Thunderbird's format=flowed and signature,
phones' "Sent from", and the delivery reports of Postfix, Exim, Exchange and qmail. Everything is fixed
(dates, ids, boundaries) so that regenerating the corpus writes the same bytes.
"""

import base64
import html as html_lib
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

SUPPORT = "Pie Shop Support <support@caredesk.example>"
START = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)

# "On <date>, <name> wrote:" as each language writes it.
ATTRIBUTION = {
    "en": "On Mon, 2 Nov 2026 at 09:30, {name} <{address}> wrote:",
    "de": "Am Mo., 2. Nov. 2026 um 09:30 Uhr schrieb {name} <{address}>:",
    "fr": "Le lun. 2 nov. 2026 à 09:30, {name} <{address}> a écrit :",
    "es": "El lun, 2 nov 2026 a las 09:30, {name} (<{address}>) escribió:",
    "nl": "Op ma 2 nov 2026 om 09:30 schreef {name} <{address}>:",
}


def at(minute: int) -> str:
    return format_datetime(START + timedelta(minutes=minute))


def _headers(message: EmailMessage, *, sender, subject, message_id, minute, in_reply_to=None,
             references=None, to=SUPPORT, extra=None) -> None:
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = at(minute)
    message["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
    if references or in_reply_to:
        message["References"] = " ".join(f"<{ref}>" for ref in (references or [in_reply_to]))
    for name, value in (extra or {}).items():
        message[name] = value
    message["MIME-Version"] = "1.0"


def _as_bytes(message: EmailMessage, boundary: str) -> bytes:
    """The message with its client's boundary style, numbered for nested parts; the standard library would
    pick random ones, and the corpus must be the same bytes every time it is written."""
    for number, part in enumerate(part for part in message.walk() if part.is_multipart()):
        part.set_boundary(boundary if number == 0 else f"{boundary}_{number}")
    return message.as_bytes()


def _html_paragraphs(text: str, wrap: str = "div") -> str:
    return "".join(f"<{wrap}>{html_lib.escape(line) or '<br>'}</{wrap}>" for line in text.split("\n"))


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))


def gmail(*, sender, subject, text, message_id, minute, quote=None, lang="en", in_reply_to=None,
          references=None, attachments=(), extra=None) -> bytes:
    """Gmail: multipart/alternative, <div dir="ltr">, the quote in a gmail_quote div and as "> " lines
    under an attribution Gmail wraps at 78 characters."""
    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references, extra=extra)
    plain, rich = text, f'<div dir="ltr">{_html_paragraphs(text)}</div>'
    if quote:
        quoted_name, quoted_address, quoted_text = quote
        attribution = ATTRIBUTION[lang].format(name=quoted_name, address=quoted_address)
        wrapped = attribution if len(attribution) < 70 else attribution[:60].rsplit(" ", 1)[0] + "\n" + \
            attribution[len(attribution[:60].rsplit(" ", 1)[0]) + 1:]
        plain = f"{text}\n\n{wrapped}\n\n{_quoted(quoted_text)}\n"
        rich += (f'<br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">{html_lib.escape(attribution)}'
                 f'<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">'
                 f"{_html_paragraphs(quoted_text)}</blockquote></div>")
    message.set_content(plain)
    message.add_alternative(f'<html><body>{rich}</body></html>', subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return _as_bytes(message, f"000000000000{message_id[:16].replace('@', '0'):0<16}")


def outlook(*, sender, subject, text, message_id, minute, quote=None, in_reply_to=None, references=None,
            original_marker=False, lang="en", attachments=(), extra=None) -> bytes:
    """Outlook/Exchange: Thread-Topic and Thread-Index, MsoNormal HTML, and a reply header block
    ("From: / Sent: / To: / Subject:", or "-----Original Message-----" from older versions) above the
    quote, in the writer's language; the HTML quote starts at divRplyFwdMsg."""
    message = EmailMessage()
    headers = {"Thread-Topic": subject.split(": ", 1)[-1], "Thread-Index": "AdlQ3kZ5mT0pQ7vRS2uXW4yV9eA1bQ==",
               "X-MS-Has-Attach": "yes" if attachments else "", "X-Mailer": "Microsoft Outlook 16.0",
               "Content-Language": "en-GB", **(extra or {})}
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references, extra=headers)
    plain = text
    rich = _html_paragraphs(text, wrap='p class="MsoNormal"').replace('<p class="MsoNormal">', '<p class=MsoNormal>')
    rich = rich.replace('</p class="MsoNormal">', "</p>")
    if quote:
        name, address, quoted_text = quote
        labels = {"en": ("From", "Sent", "To", "Subject"), "de": ("Von", "Gesendet", "An", "Betreff"),
                  "fr": ("De", "Envoyé", "À", "Objet"), "nl": ("Van", "Verzonden", "Aan", "Onderwerp")}[lang]
        block = (f"{labels[0]}: {name} <{address}>\n{labels[1]}: Monday, November 2, 2026 9:30 AM\n"
                 f"{labels[2]}: {SUPPORT}\n{labels[3]}: {subject.split(': ', 1)[-1]}\n\n{quoted_text}")
        if original_marker:
            block = "-----Original Message-----\n" + block
        plain = f"{text}\n\n{block}\n"
        rich += ('<div id="divRplyFwdMsg" dir="ltr"><hr style="display:inline-block;width:98%">'
                 f"{_html_paragraphs(block)}</div>")
    message.set_content(plain, cte="quoted-printable")
    message.add_alternative(
        '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta http-equiv="Content-Type" '
        'content="text/html; charset=utf-8"><style><!-- p.MsoNormal {margin:0cm;} --></style></head>'
        f'<body lang="EN-GB"><div class="WordSection1">{rich}</div></body></html>',
        subtype="html", cte="quoted-printable",
    )
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return _as_bytes(message, f"_000_{message_id.split('@')[0][:20]}_")


def apple(*, sender, subject, text, message_id, minute, quote=None, in_reply_to=None, references=None,
          inline_image=None, after_image="", extra=None) -> bytes:
    """Apple Mail: Apple-Mail boundaries, quoted-printable, "> " quote under "On ..., ... wrote:", the HTML
    quote in <blockquote type="cite">; an inline picture as multipart/related with a cid: reference and
    the text after it in its own part."""
    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references,
             extra={"X-Mailer": "Apple Mail (2.3774.200.91.1.1)", **(extra or {})})
    plain, rich = text, _html_paragraphs(text)
    if quote:
        name, address, quoted_text = quote
        plain = f"{text}\n\n> On 2 Nov 2026, at 09:30, {name} <{address}> wrote:\n>\n{_quoted(quoted_text)}\n"
        rich += (f'<div><br><blockquote type="cite"><div>On 2 Nov 2026, at 09:30, {html_lib.escape(name)} '
                 f"&lt;{address}&gt; wrote:</div><br>{_html_paragraphs(quoted_text)}</blockquote></div>")
    if inline_image:
        filename, content = inline_image
        cid = f"{filename.split('.')[0]}-7A1C@apple.example"
        rich += f'<div><img src="cid:{cid}" alt="{filename}"></div>{_html_paragraphs(after_image)}'
        if after_image:
            plain += f"\n\n{after_image}"
    message.set_content(plain, cte="quoted-printable")
    message.add_alternative(f'<html><head></head><body style="word-wrap: break-word;">{rich}</body></html>',
                            subtype="html", cte="quoted-printable")
    if inline_image:
        html_part = message.get_payload()[1]
        html_part.add_related(inline_image[1], maintype="image", subtype=filename.rsplit(".", 1)[1],
                              cid=f"<{cid}>", filename=filename, disposition="inline")
    return _as_bytes(message, f"Apple-Mail={message_id[:8].upper()}-3B2D-4E21-9B7A-0C5E1F2A6D8C")


def thunderbird(*, sender, subject, text, message_id, minute, quote=None, signature=None, in_reply_to=None,
                references=None, extra=None) -> bytes:
    """Thunderbird: plain text, format=flowed, "-- " above the signature, quote under "On ... wrote:"."""
    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references,
             extra={"User-Agent": "Mozilla Thunderbird", "Content-Language": "en-US", **(extra or {})})
    body = text
    if signature:
        body += f"\n\n-- \n{signature}"
    if quote:
        name, address, quoted_text = quote
        body = f"{text}\n\nOn 02/11/2026 09:30, {name} wrote:\n{_quoted(quoted_text)}\n" + \
            (f"\n-- \n{signature}" if signature else "")
    message.set_content(body, params={"format": "flowed"})
    return _as_bytes(message, f"=_{message_id.split('@')[0]}")


def mobile(*, sender, subject, text, message_id, minute, footer, quote=None, in_reply_to=None,
           references=None, extra=None) -> bytes:
    """A phone: plain text, the client's "Sent from ..." line, the quote below it."""
    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references, extra=extra)
    body = f"{text}\n\n{footer}"
    if quote:
        name, address, quoted_text = quote
        body += f"\n\n> On 2 Nov 2026, at 09:30, {name} <{address}> wrote:\n>\n{_quoted(quoted_text)}"
    message.set_content(body)
    return _as_bytes(message, f"=_{message_id.split('@')[0]}")


def plain(*, sender, subject, text, message_id, minute, charset="utf-8", cte="8bit", in_reply_to=None,
          references=None, extra=None, html=None, attachments=()) -> bytes:
    """A simple message in a chosen charset and transfer encoding (charset tests, lists, auto-replies)."""
    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute,
             in_reply_to=in_reply_to, references=references, extra=extra)
    if html is not None and text is None:
        message.set_content(html, subtype="html", charset=charset, cte=cte)
    else:
        message.set_content(text, charset=charset, cte=cte)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return _as_bytes(message, f"=_{message_id.split('@')[0]}")


def forwarded_as_attachment(*, sender, subject, text, message_id, minute, original: bytes) -> bytes:
    """Apple Mail and Thunderbird forward the original whole, as message/rfc822."""
    from email import message_from_bytes, policy

    message = EmailMessage()
    _headers(message, sender=sender, subject=subject, message_id=message_id, minute=minute)
    message.set_content(text)
    message.add_attachment(message_from_bytes(original, policy=policy.default))
    return _as_bytes(message, f"=_{message_id.split('@')[0]}")


# Delivery failures --------------------------------------------------------------------------------------

def _original_headers(original_id: str, in_reply_to: str | None, to: str, subject: str) -> str:
    thread = f"In-Reply-To: <{in_reply_to}>\nReferences: <{in_reply_to}>\n" if in_reply_to else ""
    return (f"From: {SUPPORT}\nTo: {to}\nSubject: {subject}\nDate: {at(0)}\n"
            f"Message-ID: <{original_id}>\n{thread}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n")


def dsn(*, reporter, recipient, status, diagnostic, original_id, in_reply_to=None, subject="Re: Your order",
        minute=0, headers_only=False, message_id, human_text=None, action="failed",
        report_subject="Undelivered Mail Returned to Sender") -> bytes:
    """An RFC 3464 delivery status notification as Postfix (message/rfc822 original) or Gmail
    (text/rfc822-headers) send it."""
    boundary = f"{message_id.split('@')[0]}.report"
    original = _original_headers(original_id, in_reply_to, recipient, subject)
    original_part = (
        f"Content-Type: text/rfc822-headers\n\n{original}" if headers_only
        else f"Content-Type: message/rfc822\nContent-Disposition: inline\n\n{original}\nThank you for your order.\n"
    )
    human = human_text or (
        f"This is the mail system at host {reporter}.\n\nI'm sorry to have to inform you that your message "
        f"could not\nbe delivered to one or more recipients. It's attached below.\n\n"
        f"<{recipient}>: host mx.{recipient.split('@')[1]}[192.0.2.25] said: {diagnostic}\n"
    )
    return (
        f"Return-Path: <>\nFrom: MAILER-DAEMON@{reporter} (Mail Delivery System)\nTo: {SUPPORT}\n"
        f"Subject: {report_subject}\nDate: {at(minute)}\nMessage-ID: <{message_id}>\nAuto-Submitted: auto-replied\n"
        f"MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n"
        f'\tboundary="{boundary}"\n\nThis is a MIME-encapsulated message.\n\n--{boundary}\n'
        f"Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n{human}\n"
        f"--{boundary}\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
        f"Reporting-MTA: dns; {reporter}\nX-Postfix-Queue-ID: 4Xk2P71Jz5z9sWQ\nArrival-Date: {at(minute - 1)}\n\n"
        f"Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\nAction: {action}\n"
        f"Status: {status}\nRemote-MTA: dns; mx.{recipient.split('@')[1]}\nDiagnostic-Code: smtp; {diagnostic}\n\n"
        f"--{boundary}\n{original_part}\n--{boundary}--\n"
    ).replace("\n", "\r\n").encode()


def exim_bounce(*, recipient, diagnostic, original_id, in_reply_to=None, minute=0, message_id) -> bytes:
    """Exim's plain-text report with the original copied below its text."""
    return (
        f"Return-path: <>\nFrom: Mail Delivery System <Mailer-Daemon@mail.shop.example>\nTo: {SUPPORT}\n"
        f"Subject: Mail delivery failed: returning message to sender\nDate: {at(minute)}\n"
        f"Message-Id: <{message_id}>\nX-Failed-Recipients: {recipient}\nAuto-Submitted: auto-replied\n\n"
        "This message was created automatically by mail delivery software.\n\n"
        "A message that you sent could not be delivered to one or more of its\nrecipients. This is a "
        "permanent error. The following address(es) failed:\n\n"
        f"  {recipient}\n    host mx.{recipient.split('@')[1]} [192.0.2.40]\n"
        f"    SMTP error from remote mail server after RCPT TO:<{recipient}>:\n    {diagnostic}\n\n"
        "------ This is a copy of the message, including all the headers. ------\n\n"
        f"{_original_headers(original_id, in_reply_to, recipient, 'Re: Your order')}\nThank you for your order.\n"
    ).replace("\n", "\r\n").encode()


def qmail_bounce(*, recipient, diagnostic, original_id, in_reply_to=None, minute=0, message_id) -> bytes:
    """qmail's "failure notice", without Auto-Submitted, as qmail sends it."""
    return (
        f"Return-Path: <>\nFrom: MAILER-DAEMON@mx.qmail.example\nTo: support@caredesk.example\n"
        f"Subject: failure notice\nDate: {at(minute)}\nMessage-ID: <{message_id}>\n\n"
        "Hi. This is the qmail-send program at mx.qmail.example.\nI'm afraid I wasn't able to deliver your "
        "message to the following addresses.\nThis is a permanent error; I've given up. Sorry it didn't work "
        f"out.\n\n<{recipient}>:\n192.0.2.77 does not like recipient.\nRemote host said: {diagnostic}\n"
        "Giving up on 192.0.2.77.\n\n--- Below this line is a copy of the message.\n\n"
        f"{_original_headers(original_id, in_reply_to, recipient, 'Re: Your order')}\nThank you for your order.\n"
    ).replace("\n", "\r\n").encode()


def exchange_ndr(*, recipient, diagnostic, original_id, in_reply_to=None, minute=0, message_id) -> bytes:
    """An Exchange/Office 365 NDR: "Undeliverable:", HTML and text, the original's headers in a
    text/rfc822-headers part, from the postmaster, with no DSN part."""
    boundary = f"_ndr_{message_id.split('@')[0]}_"
    headers = _original_headers(original_id, in_reply_to, recipient, "Re: Your order")
    text = (
        f"Your message to {recipient} couldn't be delivered.\n{recipient.split('@')[0]} wasn't found at "
        f"{recipient.split('@')[1]}.\n\nDiagnostic information for administrators:\n\nGenerating server: "
        f"AM6PR01MB1234.eurprd01.prod.exchangelabs.com\n\n{recipient}\nRemote Server returned '{diagnostic}'\n"
    )
    encoded = base64.encodebytes(text.encode()).decode()
    return (
        f"From: postmaster@outlook.example\nTo: {SUPPORT}\nSubject: Undeliverable: Re: Your order\n"
        f"Date: {at(minute)}\nMessage-ID: <{message_id}>\nContent-Language: en-US\nX-MS-Exchange-Message-Is-Ndr:\n"
        f'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="{boundary}"\n\n--{boundary}\n'
        f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{encoded}\n"
        f"--{boundary}\nContent-Type: text/rfc822-headers\n\n{headers}\n--{boundary}--\n"
    ).replace("\n", "\r\n").encode()
