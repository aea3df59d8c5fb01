"""The new text is split from quoted history and signatures; the split never loses or invents text."""

import pytest

from caredesk.mail.parsing import parse, quotes

from .mails import eml

QUOTE = "> Your pies will arrive on Friday.\n> Pie Shop"


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 2 Nov 2026 at 09:30, Pie Shop <support@caredesk.example> wrote:",
        "On Mon, 2 Nov 2026 at 09:30, Pie Shop <support@caredesk.example>\nwrote:",  # wrapped by Gmail
        "Am Mo., 2. Nov. 2026 um 09:30 Uhr schrieb Pie Shop <support@caredesk.example>:",
        "Le lun. 2 nov. 2026 à 09:30, Pie Shop <support@caredesk.example> a écrit :",
        "El lun, 2 nov 2026 a las 09:30, Pie Shop (<support@caredesk.example>) escribió:",
        "Op ma 2 nov 2026 om 09:30 schreef Pie Shop <support@caredesk.example>:",
    ],
)
def test_an_attribution_line_in_each_language_starts_the_quote(attribution):
    new, quoted = quotes.split(f"Thanks, Friday is fine.\n\n{attribution}\n{QUOTE}")
    assert (new, quoted) == ("Thanks, Friday is fine.", f"{attribution}\n{QUOTE}")


@pytest.mark.parametrize(
    "header",
    [
        "-----Original Message-----\nFrom: Pie Shop\nSent: Monday\nSubject: Pies",
        "From: Pie Shop <support@caredesk.example>\nSent: Monday, November 2, 2026 9:30 AM\nTo: Ford",
        "Von: Pie Shop <support@caredesk.example>\nGesendet: Montag, 2. November 2026 09:30\nAn: Jürgen",
        "De : Pie Shop\nEnvoyé : lundi 2 novembre 2026 09:30",
    ],
)
def test_outlooks_reply_header_starts_the_quote(header):
    assert quotes.split(f"That works.\n\n{header}\n\nYour pies will arrive.") == (
        "That works.", f"{header}\n\nYour pies will arrive.",
    )


def test_a_from_line_without_a_sent_line_is_the_customers_own_text():
    text = "From: my other account, sorry.\nThe pies were cold."
    assert quotes.split(text) == (text, "")


def test_a_trailing_block_of_quoted_lines_is_the_quote_but_inline_answers_are_kept():
    assert quotes.split(f"Friday is fine.\n\n{QUOTE}") == ("Friday is fine.", QUOTE)
    inline = "> How many?\nTwelve.\n> Which day?\nFriday."
    assert quotes.split(inline) == (inline, "")


@pytest.mark.parametrize(
    "footer", ["-- \nMrs Miggins\nPie Shop Ltd", "Sent from my iPhone", "Get Outlook for iOS",
               "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi Android"],
)
def test_signatures_and_phone_footers_go_with_the_quote(footer):
    assert quotes.split(f"See you Friday.\n\n{footer}") == ("See you Friday.", footer)


def test_a_message_that_is_all_quote_keeps_everything_as_its_text():
    text = f"On Monday, Pie Shop wrote:\n{QUOTE}"
    assert quotes.split(text) == (text, "")


def test_parse_fills_text_and_quoted_and_cuts_the_gmail_quote_from_the_html():
    raw = eml(
        text=f"Friday is fine.\n\nOn Mon, 2 Nov 2026, Pie Shop wrote:\n{QUOTE}",
        html='<div dir="ltr">Friday is fine.</div><div class="gmail_quote"><blockquote>Your pies will arrive'
        "</blockquote></div>",
    )
    parsed = parse(raw)
    assert (parsed.text, parsed.quoted, parsed.html) == (
        "Friday is fine.", f"On Mon, 2 Nov 2026, Pie Shop wrote:\n{QUOTE}", "<div>Friday is fine.</div>",
    )


def test_when_the_html_has_no_quote_marker_it_is_not_shown_so_the_quote_is_not_shown_twice():
    parsed = parse(eml(text=f"Friday is fine.\n\n{QUOTE}", html="<p>Friday is fine.</p><p>Your pies will</p>"))
    assert (parsed.text, parsed.quoted, parsed.html) == ("Friday is fine.", QUOTE, "")


def test_html_only_mail_is_split_where_the_client_marked_the_quote():
    parsed = parse(eml(text=None, html='<p>Thanks!</p><blockquote type="cite">On Monday you wrote: pies</blockquote>'))
    assert (parsed.text, parsed.quoted, parsed.html) == ("Thanks!", "On Monday you wrote: pies", "<p>Thanks!</p>")


# On the desk --------------------------------------------------------------------------------------------


def _received_reply(billing):
    from caredesk.mail import services

    inbound, _ = services.receive(
        eml(text=f"Friday is fine.\n\nOn Mon, 2 Nov 2026, Pie Shop wrote:\n{QUOTE}"), source="ingest", team=billing
    )
    return inbound.desk_message


def test_the_desk_message_keeps_the_new_text_and_the_quote_apart(billing):
    message = _received_reply(billing)
    assert (message.body_text, message.quoted, message.body_html) == (
        "Friday is fine.", f"On Mon, 2 Nov 2026, Pie Shop wrote:\n{QUOTE}", "<p>Friday is fine.</p>",
    )


def test_the_ticket_page_shows_the_quote_folded_under_the_message(client, alice, billing):
    message = _received_reply(billing)
    client.force_login(alice)
    page = client.get(message.ticket.get_absolute_url()).content.decode()
    fold = page[page.index('<details class="message-quoted'):]
    assert "Show quoted text" in fold[: fold.index("</summary>")]
    assert "&gt; Your pies will arrive on Friday." in fold[: fold.index("</details>")]


def test_a_message_without_a_quote_has_no_fold(client, alice, ticket):
    client.force_login(alice)
    assert "message-quoted" not in client.get(ticket.get_absolute_url()).content.decode()


def test_the_api_gives_the_quote_of_each_message(api_client, alice, billing):
    message = _received_reply(billing)
    body = api_client(alice).get(f"/api/v1/tickets/{message.ticket_id}").json()
    assert [(item["body_text"], item["quoted"]) for item in body["messages"]] == [
        ("Friday is fine.", f"On Mon, 2 Nov 2026, Pie Shop wrote:\n{QUOTE}"),
    ]
