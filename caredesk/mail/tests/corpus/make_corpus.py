"""Writes caredesk's email corpus: .eml files modelled on what real clients and servers send, and
manifest.json, which says for each file what must happen to it and what to check.

    python -m caredesk.mail.tests.corpus.make_corpus

Files are ingested in name order, so replies come after what they answer. The broken files (9xx-*.eml)
are written by hand, byte by byte, and not by this script; their expectations are in BROKEN below. Every
id, date and boundary is fixed: running the script again writes the same bytes.
"""

import json
from pathlib import Path

from . import senders as s

HERE = Path(__file__).parent
PIE_PHOTO = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"crushed pie" * 20
RECEIPT = b"%PDF-1.4\n% receipt for twelve pies\n" + b"0" * 2000
# The corpus test lowers the attachment limit to this, so that "too big" needs no 10 MB file in the repo.
ATTACHMENT_LIMIT = 100_000

CUSTOMERS = {
    "miggins": ("Mrs Miggins", "miggins@pieshop.example"),
    "arthur": ("Arthur Dent", "arthur.dent@gmail.example"),
    "zoe": ("Zoë Dupré", "zoe.dupre@orange.example"),
    "jurgen": ("Jürgen Weiß", "j.weiss@gmx.example"),
    "lucia": ("Lucía Fernández", "lucia.fernandez@correo.example"),
    "daan": ("Daan de Vries", "daan@ziggo.example"),
    "ford": ("Ford Prefect", "ford@outlook.example"),
    "trillian": ("Tricia McMillan", "trillian@icloud.example"),
    "marvin": ("Marvin", "marvin@sirius.example"),
    "agrajag": ("Agrajag", "agrajag@thunderbird.example"),
    "fenchurch": ("Fenchurch", "fenchurch@mobile.example"),
    "slarti": ("Slartibartfast", "slarti@magrathea.example"),
}
AGENT = ("Alice Archer", "support@caredesk.example")
OUR_ANSWER = "Thank you for writing. We have looked into your order and will refund the missing pies."


# What must move from the text to the quote in replies from each language.
QUOTE_MARKER = {"en": "wrote:", "de": "schrieb", "fr": "a écrit", "es": "escribió", "nl": "schreef"}
OUTLOOK_MARKER = {"en": "Sent:", "de": "Gesendet:", "fr": "Envoyé:", "nl": "Verzonden:"}


def who(key: str) -> str:
    name, address = CUSTOMERS[key]
    return f'"{name}" <{address}>' if "," in name else f"{name} <{address}>"


class Corpus:
    """The files and manifest entries, numbered in the order they are added (which is ingest order)."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.entries: list[dict] = []
        self.ids: dict[str, str] = {}  # file name -> its Message-ID, so later files can answer it
        self.subjects: dict[str, str] = {}

    def add(self, slug: str, builder, *, expect: str, **facts) -> str:
        number = len(self.files) + 1
        name = f"{number:03}-{slug}.eml"
        message_id = f"{slug}-{number:03}@corpus.caredesk.example"
        checks = {key: facts.pop(key) for key in list(facts) if key.startswith("check_")}
        raw = builder(message_id=message_id, minute=number, **facts)
        self.files[name] = raw
        self.ids[name] = message_id
        self.subjects[name] = facts.get("subject", "")
        self.entries.append({"file": name, "expect": expect, **{k.removeprefix("check_"): v for k, v in checks.items()}})
        return name

    def id_of(self, name: str) -> str:
        return self.ids[name]


def build() -> Corpus:
    corpus = Corpus()
    requests = _new_requests(corpus)
    _replies(corpus, requests)
    _html_only_replies(corpus, requests)
    _threads(corpus)
    _auto_replies(corpus, requests)
    _bounces(corpus, requests)
    _mailing_lists(corpus)
    _forwards_and_attachments(corpus)
    _charsets(corpus)
    return corpus


def _new_requests(corpus: Corpus) -> dict[str, str]:
    """One new request from each kind of client; returns file names by customer."""
    made = {}
    made["arthur"] = corpus.add(
        "gmail-new", s.gmail, sender=who("arthur"), subject="Twelve pies ordered, none arrived",
        text="Hello,\n\nI ordered twelve pies on Monday and nothing came.\n\nArthur", expect="new_ticket",
        check_sender="arthur.dent@gmail.example", check_subject="Twelve pies ordered, none arrived",
        check_text=["I ordered twelve pies on Monday"],
    )
    made["ford"] = corpus.add(
        "outlook-new", s.outlook, sender=who("ford"), subject="Invoice 4471 charged twice",
        text="Hi team,\n\nMy card was charged twice for invoice 4471.\n\nKind regards,\nFord", expect="new_ticket",
        check_sender="ford@outlook.example", check_text=["charged twice for invoice 4471"],
    )
    made["trillian"] = corpus.add(
        "apple-new", s.apple, sender=who("trillian"), subject="Wrong flavour delivered",
        text="Hi,\n\nI asked for apple pies and got mince – could you swap them?\n\nTricia", expect="new_ticket",
        check_text=["got mince – could you swap them?"],
    )
    made["agrajag"] = corpus.add(
        "thunderbird-new", s.thunderbird, sender=who("agrajag"), subject="Delivery to the wrong flat",
        text="Good morning,\n\nThe courier left my order at flat 3 instead of flat 13.", signature="Agrajag\n"
        "Flat 13, Cathedral Lane", expect="new_ticket",
        check_text=["flat 3 instead of flat 13"], check_quoted=["Flat 13, Cathedral Lane"],
        check_text_excludes=["Cathedral Lane"],
    )
    made["fenchurch"] = corpus.add(
        "iphone-new", s.mobile, sender=who("fenchurch"), subject="Can I change my delivery day?",
        text="Hi, can my Friday delivery come on Saturday instead?", footer="Sent from my iPhone",
        expect="new_ticket", check_text=["come on Saturday instead?"], check_quoted=["Sent from my iPhone"],
    )
    for key, lang, subject, text in [
        ("zoe", "fr", "Colis abîmé", "Bonjour,\n\nMon colis est arrivé écrasé. Pouvez-vous m'aider ?\n\nZoë"),
        ("jurgen", "de", "Bestellung fehlt", "Guten Tag,\n\nmeine Bestellung ist nicht angekommen.\n\nGrüße\nJürgen"),
        ("lucia", "es", "Pedido incompleto", "Hola,\n\nfaltan dos empanadas en mi pedido.\n\nSaludos, Lucía"),
        ("daan", "nl", "Verkeerde bezorging", "Hallo,\n\nmijn taarten zijn bij de buren bezorgd.\n\nDaan"),
        ("marvin", "en", "Life. Don't talk to me about life.", "The pie was fine. I suppose. Refund anyway."),
        ("slarti", "en", "Fjord-shaped pie crust", "Could you make a crust with crinkly edges? I like fjords."),
    ]:
        made[key] = corpus.add(
            f"gmail-new-{lang}-{key}", s.gmail, sender=who(key), subject=subject, text=text, expect="new_ticket",
            check_sender=CUSTOMERS[key][1], check_subject=subject, check_text=[text.split("\n")[-1]],
        )
    made["miggins"] = corpus.add(
        "outlook-new-miggins", s.outlook, sender=who("miggins"), subject="Standing order for the shop",
        text="Dear support,\n\nPlease set up a standing order of 40 pies every Monday.\n\nMrs Miggins",
        expect="new_ticket", check_text=["40 pies every Monday"],
    )
    return made


def _replies(corpus: Corpus, requests: dict[str, str]) -> None:
    """Replies from each client and language with the quote split off. Each answers our reply to the
    request (In-Reply-To an id caredesk does not know) and names the request in References."""
    for key, lang, builder, text, extra in [
        ("arthur", "en", s.gmail, "Any news on the pies?", {}),
        ("zoe", "fr", s.gmail, "Merci, j'attends votre réponse.", {}),
        ("jurgen", "de", s.gmail, "Gibt es schon Neuigkeiten?", {}),
        ("lucia", "es", s.gmail, "¿Alguna novedad?", {}),
        ("daan", "nl", s.gmail, "Is er al nieuws?", {}),
        ("ford", "en", s.outlook, "That works, thank you.", {}),
        ("ford", "en", s.outlook, "Sorry, one more question: when will the refund show?", {"original_marker": True}),
        ("jurgen", "de", s.outlook, "Vielen Dank für die schnelle Antwort.", {}),
        ("zoe", "fr", s.outlook, "Parfait, merci beaucoup.", {}),
        ("daan", "nl", s.outlook, "Prima, bedankt.", {}),
        ("trillian", "en", s.apple, "Swapping them would be lovely, thanks!", {}),
        ("agrajag", "en", s.thunderbird, "Thanks, I will be in on Thursday.", {"signature": "Agrajag"}),
        ("miggins", "en", s.outlook, "Yes, Mondays before 8 please.", {}),
    ]:
        request = requests[key]
        facts = {"lang": lang} if builder in (s.gmail, s.outlook) and lang != "en" else {}
        marker = (QUOTE_MARKER[lang] if builder is s.gmail else OUTLOOK_MARKER[lang] if builder is s.outlook
                  else "wrote:")
        corpus.add(
            f"reply-{builder.__name__}-{lang}-{key}", builder, sender=who(key),
            subject=f"Re: {corpus.subjects[request]}",
            text=text, quote=(AGENT[0], AGENT[1], OUR_ANSWER),
            in_reply_to=f"answer-to-{corpus.id_of(request)}", references=[corpus.id_of(request)],
            expect="reply", check_reply_to=request, check_text=[text], check_quoted=["will refund the missing pies", marker],
            check_text_excludes=["will refund the missing pies", marker], **facts, **extra,
        )
    for footer in ["Sent from my iPhone", "Sent from my Galaxy", "Get Outlook for Android",
                   "Von meinem iPhone gesendet", "Envoyé de mon iPad", "Enviado desde mi iPhone",
                   "Verzonden vanaf mijn iPhone", "Sent from Yahoo Mail for iPhone"]:
        slug = footer.lower().replace(" ", "-").replace("é", "e")
        corpus.add(
            f"mobile-reply-{slug}", s.mobile, sender=who("fenchurch"), subject="Re: Can I change my delivery day?",
            text="Saturday morning is best.", footer=footer, quote=(AGENT[0], AGENT[1], OUR_ANSWER),
            references=[corpus.id_of(requests["fenchurch"])], in_reply_to=corpus.id_of(requests["fenchurch"]),
            expect="reply", check_reply_to=requests["fenchurch"], check_text=["Saturday morning is best."],
            check_quoted=[footer, "will refund the missing pies"], check_text_excludes=[footer],
        )


def _threads(corpus: Corpus) -> None:
    """Longer conversations: References chains, a reply found by References alone, subject tokens that
    name no ticket of the sender's (a new ticket, never someone else's case), a top-posted reply that is
    all quote (kept whole), an inline answer between quoted lines (kept whole)."""
    for index, (key, builder) in enumerate([("slarti", s.gmail), ("marvin", s.outlook), ("miggins", s.apple),
                                            ("arthur", s.thunderbird), ("lucia", s.gmail)]):
        first = corpus.add(
            f"thread-{index}-start", builder, sender=who(key), subject=f"Catering for {20 + index} guests",
            text=f"Can you cater a party of {20 + index} on Saturday?", expect="new_ticket",
            check_text=[f"party of {20 + index}"],
        )
        chain = [corpus.id_of(first)]
        for step in range(3):
            text = ["How many vegetarian pies?", "Six of them, please.", "And one gluten free."][step]
            name = corpus.add(
                f"thread-{index}-step-{step}", builder, sender=who(key), subject=f"Re: Catering for {20 + index} guests",
                text=text, quote=(AGENT[0], AGENT[1], "Happy to help."), in_reply_to=chain[-1],
                references=list(chain), expect="reply", check_reply_to=first, check_text=[text],
            )
            chain.append(corpus.id_of(name))
        corpus.add(
            f"thread-{index}-by-references-only", s.plain, sender=who(key), subject="Catering (my other address book)",
            text="Also: candles?", references=[chain[0], "lost-answer@desk.example"], expect="reply",
            check_reply_to=first, check_text=["Also: candles?"],
        )
    for number, token in enumerate(["[#999999999]", "[#1]", "[#2]"]):
        corpus.add(
            f"token-not-ours-{number}", s.plain, sender=who("marvin"), subject=f"Re: {token} Somebody's ticket",
            text="I found this ticket number on a receipt.", expect="new_ticket",
            check_subject=f"Re: {token} Somebody's ticket",
        )
    corpus.add(
        "all-quote-forward-kept-whole", s.gmail, sender=who("arthur"), subject="Fwd: pies",
        text="---------- Forwarded message ---------\nFrom: Courier <noreply@courier.example>\n\nParcel lost.",
        expect="new_ticket", check_text=["Forwarded message", "Parcel lost."], check_quoted_empty=True,
    )
    corpus.add(
        "inline-answers-kept-whole", s.plain, sender=who("slarti"), subject="Questions answered inline",
        text="> How many pies?\nTwelve.\n> Which day?\nSaturday.", expect="new_ticket",
        check_text=["Twelve.", "Saturday."], check_quoted_empty=True,
    )
    corpus.add(
        "outlook-german-header-block", s.outlook, sender=who("jurgen"), subject="AW: Lieferung",
        text="Danke, passt.", quote=("Pie Shop", "support@caredesk.example", "Ihre Lieferung kommt morgen."),
        lang="de", expect="new_ticket", check_text=["Danke, passt."], check_quoted=["Gesendet:", "kommt morgen"],
    )


def _html_only_replies(corpus: Corpus, requests: dict[str, str]) -> None:
    """Replies with no text/plain part: the quote is found in the HTML, where the client marks it."""
    for key, slug, quote_html in [
        ("ford", "outlook-web", '<div id="divRplyFwdMsg"><b>From:</b> Pie Shop<br><b>Sent:</b> Monday</div>'
                                "<div>We will refund the missing pies.</div>"),
        ("arthur", "yahoo", '<div class="yahoo_quoted"><div>On Monday, Pie Shop wrote:</div>'
                            "<div>We will refund the missing pies.</div></div>"),
        ("agrajag", "thunderbird-html", '<div class="moz-cite-prefix">On 02/11/2026 09:30, Pie Shop wrote:</div>'
                                        '<blockquote type="cite">We will refund the missing pies.</blockquote>'),
        ("zoe", "gmail-html", '<div class="gmail_quote"><div class="gmail_attr">Le lun. 2 nov. 2026, Pie Shop a '
                              "écrit :</div><blockquote>We will refund the missing pies.</blockquote></div>"),
    ]:
        request = requests[key]
        corpus.add(
            f"html-only-reply-{slug}", s.plain, sender=who(key), subject=f"Re: {corpus.subjects[request]}",
            text=None, html=f"<html><body><p>Thanks, that helps.</p><p>Regards</p>{quote_html}</body></html>",
            in_reply_to=corpus.id_of(request), expect="reply", check_reply_to=request,
            check_text=["Thanks, that helps.\n\nRegards"], check_text_excludes=["missing pies"],
            check_quoted=["We will refund the missing pies."],
        )


def _auto_replies(corpus: Corpus, requests: dict[str, str]) -> None:
    """Out-of-office and other machine answers: by header, and by subject alone in many languages."""
    for number, headers in enumerate([{"Auto-Submitted": "auto-replied"}, {"Auto-Submitted": "auto-generated"},
                                      {"X-Autoreply": "yes"}, {"X-Autorespond": "vacation"},
                                      {"Precedence": "junk"}]):
        corpus.add(
            f"auto-reply-header-{number}", s.plain, sender=who("ford"), subject="Re: Invoice 4471 charged twice",
            text="I am away until Monday.", extra=headers, in_reply_to=corpus.id_of(requests["ford"]),
            expect="auto_reply", check_ticket_of=requests["ford"],
        )
    subjects = [
        "Out of Office: Twelve pies", "Automatic reply: Invoice 4471", "AutoReply: your message",
        "Abwesenheitsnotiz: Bestellung fehlt", "AW: Automatische Antwort: Bestellung", "Réponse automatique : Colis",
        "Absence du bureau", "Respuesta automática: Pedido", "Fuera de la oficina", "Risposta automatica: Ordine",
        "Afwezigheidsmelding: Verkeerde bezorging", "Automatisch antwoord: bezorging", "SV: Autosvar: Ordre",
        "Poza biurem: Zamówienie", "RE: Out of the office", "out of office",
    ]
    keys = ["arthur", "ford", "marvin", "jurgen", "jurgen", "zoe", "zoe", "lucia", "lucia", "slarti", "daan",
            "daan", "miggins", "agrajag", "trillian", "fenchurch"]
    for number, (subject, key) in enumerate(zip(subjects, keys)):
        corpus.add(
            f"out-of-office-subject-{number:02}", s.outlook if number % 2 else s.plain, sender=who(key),
            subject=subject, text="I am out of the office with limited access to email.",
            in_reply_to=corpus.id_of(requests[key]), expect="auto_reply", check_ticket_of=requests[key],
        )
    corpus.add(
        "out-of-office-hours-question", s.plain, sender=who("marvin"), subject="Out of office hours delivery?",
        text="Do you deliver out of office hours?", expect="new_ticket",
        check_subject="Out of office hours delivery?",
    )


def _bounces(corpus: Corpus, requests: dict[str, str]) -> None:
    """Delivery failures of our answers, each answering one customer's request, from each kind of server."""
    cases = [
        ("postfix-dsn", s.dsn, {"reporter": "mail.caredesk.example"}, "5.1.1",
         "550 5.1.1 <{r}>: Recipient address rejected: User unknown in virtual mailbox table"),
        ("postfix-dsn-full-mailbox", s.dsn, {"reporter": "mail.caredesk.example"}, "5.2.2",
         "552 5.2.2 <{r}>: Mailbox full"),
        ("gmail-dsn-headers-only", s.dsn, {"reporter": "mx.google.example", "headers_only": True,
                                            "report_subject": "Delivery Status Notification (Failure)"}, "5.1.1",
         "550-5.1.1 The email account that you tried to reach does not exist."),
        ("dsn-no-action", s.dsn, {"reporter": "relay.example", "action": ""}, "5.0.0", "550 Rejected"),
        ("exim", s.exim_bounce, {}, "5.1.1", "550 5.1.1 <{r}>: No such user"),
        ("exim-smtp-code-only", s.exim_bounce, {}, "550", "550 Unrouteable address"),
        ("qmail", s.qmail_bounce, {}, "5.1.1", "550 5.1.1 <{r}>... User unknown"),
        ("qmail-quota", s.qmail_bounce, {}, "5.2.2", "552 5.2.2 Over quota"),
        ("exchange-ndr", s.exchange_ndr, {}, "5.1.10",
         "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"),
        ("exchange-ndr-blocked", s.exchange_ndr, {}, "5.7.1", "550 5.7.1 Service unavailable; Client host blocked"),
    ]
    keys = ["arthur", "ford", "zoe", "jurgen", "lucia", "daan", "marvin", "slarti", "miggins", "trillian"]
    for (slug, builder, facts, status, diagnostic), key in zip(cases, keys):
        recipient = CUSTOMERS[key][1]
        request = requests[key]
        if builder is s.dsn:
            facts = {**facts, "status": status}
        corpus.add(
            f"bounce-{slug}", builder, recipient=recipient, diagnostic=diagnostic.format(r=recipient), original_id=f"answer-{slug}@caredesk.example",
            in_reply_to=corpus.id_of(request), expect="bounce", check_ticket_of=request,
            check_bounce={"message_id": f"answer-{slug}@caredesk.example", "recipients": [recipient], "status": status},
            **facts,
        )
    corpus.add(
        "dsn-delayed-is-not-a-failure", s.dsn, reporter="mail.caredesk.example", recipient=CUSTOMERS["ford"][1],
        diagnostic="451 4.4.1 Connection timed out", status="4.4.1", action="delayed",
        original_id="answer-delayed@caredesk.example", in_reply_to=corpus.id_of(requests["ford"]),
        report_subject="Delayed Mail (still being retried)", expect="auto_reply",
    )


def _mailing_lists(corpus: Corpus) -> None:
    list_headers = {"List-Id": "Pie Makers <pies.lists.example>", "List-Unsubscribe": "<mailto:leave@lists.example>"}
    for number in range(4):
        corpus.add(
            f"mailing-list-precedence-{number}", s.plain, sender="Pie Makers <pies@lists.example>",
            subject=f"[pie-makers] Digest, Vol {number + 1}", text="Today's topics: pastry, gravy.",
            extra={**list_headers, "Precedence": "list"}, expect="auto_reply",
        )
    corpus.add(
        "newsletter-bulk", s.plain, sender="Flour Weekly <news@flour.example>", subject="This week in flour",
        text=None, html="<h1>Flour</h1><p>New <b>rye</b> arrived.</p>", extra={"Precedence": "bulk"},
        expect="auto_reply",
    )
    corpus.add(
        "list-without-precedence-is-a-request", s.plain, sender=who("slarti"), subject="[pie-makers] can you help?",
        text="Asked on the list, but writing to you too.", extra=list_headers, expect="new_ticket",
        check_text=["writing to you too"],
    )


def _forwards_and_attachments(corpus: Corpus) -> None:
    original = s.plain(sender="Courier <noreply@courier.example>", subject="Parcel could not be delivered",
                       text="We tried to deliver parcel 88 and nobody was in.", message_id="courier-88@courier.example",
                       minute=0)
    corpus.add(
        "forward-as-attachment", s.forwarded_as_attachment, sender=who("trillian"),
        subject="Fwd: Parcel could not be delivered", text="See what the courier sent me.", original=original,
        expect="new_ticket", check_text=["See what the courier sent me."],
        check_attachments=["Parcel could not be delivered.eml"],
    )
    corpus.add(
        "gmail-inline-forward-with-comment", s.gmail, sender=who("arthur"), subject="Fwd: Parcel 88",
        text="Is this you?\n\n---------- Forwarded message ---------\nFrom: Courier <noreply@courier.example>\n"
        "Subject: Parcel 88\n\nWe tried to deliver parcel 88.", expect="new_ticket", check_text=["Is this you?"],
        check_quoted=["We tried to deliver parcel 88."],
    )
    corpus.add(
        "receipt-pdf", s.gmail, sender=who("lucia"), subject="Recibo adjunto", text="Adjunto el recibo.",
        attachments=[("recibo.pdf", "application/pdf", RECEIPT)], expect="new_ticket",
        check_attachments=["recibo.pdf"],
    )
    corpus.add(
        "two-photos", s.outlook, sender=who("ford"), subject="Photos of the damage", text="Two photos attached.",
        attachments=[("front.png", "image/png", PIE_PHOTO), ("back.png", "image/png", PIE_PHOTO[::-1])],
        expect="new_ticket", check_attachments=["front.png", "back.png"],
    )
    corpus.add(
        "too-big-attachment", s.gmail, sender=who("jurgen"), subject="Video vom Paket",
        text="Das Video zeigt den Schaden.", attachments=[("paket.mp4", "video/mp4", b"\x00\x00\x00\x18ftyp" * 15000)],
        expect="new_ticket", check_attachments=[],
        check_text=["Das Video zeigt den Schaden.", "[Attachment paket.mp4", "was not attached: larger than the",
                    "It is kept in the original email.]"],
        check_error=["Attachment paket.mp4 skipped"],
    )
    corpus.add(
        "program-attachment", s.plain, sender=who("marvin"), subject="Run this", text="It fixes the oven.",
        attachments=[("fix.exe", "application/octet-stream", b"MZ\x90\x00" * 10)], expect="new_ticket",
        check_attachments=[], check_text=["[Attachment fix.exe", "files of this type can run programs."],
    )
    for number, (key, name) in enumerate([("trillian", "pie.png"), ("trillian", "crust.png"), ("miggins", "tin.png")]):
        corpus.add(
            f"apple-inline-picture-{number}", s.apple, sender=who(key), subject=f"Picture: {name}",
            text="Here is the picture:", inline_image=(name, PIE_PHOTO + name.encode()),
            after_image="And that is the text after it.", expect="new_ticket", check_attachments=[name],
            check_text=["Here is the picture:", "And that is the text after it."], check_inline_pictures=1,
        )
    for number in range(4):
        corpus.add(
            f"html-only-lists-{number}", s.plain, sender=who("daan"), subject=f"Bestelling {number}",
            text=None, html=(f"<p>Hallo,</p><p>Mijn bestelling {number}:</p><ul><li>Appeltaart</li>"
                             "<li>Kersentaart</li></ul><p>Groet,<br>Daan</p>"),
            expect="new_ticket", check_text=[f"Hallo,\n\nMijn bestelling {number}:\n\n- Appeltaart\n- Kersentaart"],
        )


def _charsets(corpus: Corpus) -> None:
    """Text in many charsets and transfer encodings, labelled right."""
    cases = [
        ("latin1-qp", "iso-8859-1", "quoted-printable", "zoe", "Crème brûlée à la française"),
        ("latin1-8bit", "iso-8859-1", "8bit", "jurgen", "Größe: groß, Straße 5"),
        ("latin9", "iso-8859-15", "quoted-printable", "zoe", "Prix : 12 € la tarte"),
        ("cp1252", "windows-1252", "quoted-printable", "ford", "“Quoted” – dashed — and ‘single’"),
        ("koi8r", "koi8-r", "base64", "marvin", "Пирог с капустой"),
        ("shift-jis", "shift_jis", "base64", "slarti", "パイを十二個注文しました"),
        ("iso-2022-jp", "iso-2022-jp", "7bit", "slarti", "注文の確認をお願いします"),
        ("gb2312", "gb2312", "base64", "marvin", "我的馅饼没有到"),
        ("big5", "big5", "base64", "marvin", "我的派還沒到"),
        ("utf8-base64", "utf-8", "base64", "lucia", "Mañana, por favor 🙂"),
        ("utf8-qp", "utf-8", "quoted-printable", "daan", "Één appeltaart, graag"),
        ("iso-8859-2", "iso-8859-2", "quoted-printable", "agrajag", "Zażółć gęślą jaźń"),
    ]
    for slug, charset, cte, key, text in cases:
        corpus.add(
            f"charset-{slug}", s.plain, sender=who(key), subject=text, text=text, charset=charset, cte=cte,
            expect="new_ticket", check_text=[text], check_subject=text,
        )


# The hand-written broken files, in name order, with what must happen to each.
BROKEN = {
    "901-broken-no-date.eml": {"expect": "new_ticket", "subject": "No date header", "text": ["sent without a Date"]},
    "902-broken-encoded-words.eml": {"expect": "new_ticket", "sender": "spammer@cheap-pies.example"},
    "903-broken-boundary-never-closed.eml": {"expect": "new_ticket", "text": ["boundary never closes"]},
    "904-broken-boundary-mismatch.eml": {"expect": "new_ticket", "sender": "mismatch@spam.example",
                                         "text": ["The parts use another boundary"], "attachments": []},
    "905-broken-nul-bytes.eml": {"expect": "new_ticket", "text": ["NUL bytes in the body"]},
    "906-broken-8bit-headers.eml": {"expect": "new_ticket", "subject": "Größe falsch – bitte prüfen",
                                    "sender": "jurgen@8bit.example"},
    "907-broken-us-ascii-but-utf8.eml": {"expect": "new_ticket", "text": ["Crème brûlée, déjà payé"]},
    "908-broken-latin1-but-cp1252-quotes.eml": {"expect": "new_ticket", "text": ["“smart” quotes – dashes"]},
    "909-broken-utf8mb4-label.eml": {"expect": "new_ticket", "text": ["Ünïcödé with a MySQL label"]},
    "910-broken-x-unknown-charset.eml": {"expect": "new_ticket", "text": ["Unknown charset, café"], "subject": "café"},
    "911-broken-no-sender.eml": {"expect": "failed", "error": ["no sender address that can be answered"]},
    "912-broken-from-without-address.eml": {"expect": "failed", "error": ["From: missing"]},
    "913-broken-binary-garbage.eml": {"expect": "failed", "error": ["no sender address"]},
    "914-broken-multipart-without-boundary.eml": {"expect": "new_ticket", "sender": "noboundary@spam.example",
                                                  "text": ["has no boundary parameter"], "attachments": []},
    "915-broken-base64-padding.eml": {"expect": "new_ticket", "sender": "padding@spam.example"},
    "916-broken-duplicate-from.eml": {"expect": "new_ticket", "sender": "first@spam.example"},
    "917-broken-long-header-line.eml": {"expect": "new_ticket", "sender": "long@spam.example"},
    "918-broken-headers-only.eml": {"expect": "new_ticket", "text": ["(This email had no text.)"]},
    "919-broken-lf-only-and-bare-cr.eml": {"expect": "new_ticket", "text": ["Line endings\nof every\nkind."]},
    "920-broken-rfc2231-filename.eml": {"expect": "new_ticket", "attachments": ["attachment.pdf"]},
}


def manifest(corpus: Corpus) -> dict:
    entries = corpus.entries + [{"file": name, **facts} for name, facts in BROKEN.items()]
    return {"attachment_limit": ATTACHMENT_LIMIT, "entries": entries}


def main() -> None:
    corpus = build()
    for old in HERE.glob("[0-8]*.eml"):
        old.unlink()
    for name, raw in corpus.files.items():
        (HERE / name).write_bytes(raw)
    (HERE / "manifest.json").write_text(json.dumps(manifest(corpus), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {len(corpus.files)} files and manifest.json ({len(manifest(corpus)['entries'])} entries)")


if __name__ == "__main__":
    main()
