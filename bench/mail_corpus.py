"""A stream of realistic inbound emails for the mail benchmarks, made with the standard library.

Deterministic for a seed: about 60% new requests (half of them multipart/alternative with an HTML part,
one in ten with a PDF attachment), 35% customers' replies to one of their own earlier requests (In-Reply-To
and References, quoted history below the new text), 5% out-of-office answers (Auto-Submitted).
"""

import random
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

START = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
WORDS = (
    "order parcel refund invoice delivery broken missing account password login subscription renewal "
    "address courier tracking colour size exchange warranty battery screen charger payment card bank "
    "statement discount voucher cancel upgrade"
).split()
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 80 + b"\n%%EOF\n"  # 20 KB that looks like a small PDF


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _base(rng: random.Random, number: int, sender: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Customer {sender} <{sender}@customers.example>"
    message["To"] = "support@caredesk.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(START + timedelta(seconds=number * 7))
    message["Message-ID"] = f"<bench-{number}@customers.example>"
    return message


def stream(count: int, *, seed: int = 1, customers: int = 2000) -> Iterator[bytes]:
    """`count` emails as bytes, in the order they would arrive."""
    rng = random.Random(seed)
    requests_by_sender: dict[str, list[tuple[int, str]]] = {}
    for number in range(count):
        sender = f"c{rng.randrange(customers)}"
        earlier = requests_by_sender.get(sender)
        roll = rng.random()
        if roll < 0.05 and earlier:
            first, subject = earlier[0]
            message = _base(rng, number, sender, f"Automatic reply: {subject}")
            message["Auto-Submitted"] = "auto-replied"
            message["In-Reply-To"] = f"<bench-{first}@customers.example>"
            message.set_content("I am out of the office until Monday and will answer then.")
        elif roll < 0.40 and earlier:
            first, subject = rng.choice(earlier)
            message = _base(rng, number, sender, f"Re: {subject}")
            message["In-Reply-To"] = f"<bench-{first}@customers.example>"
            message["References"] = f"<bench-{first}@customers.example>"
            new_text = "\n\n".join(_sentence(rng, rng.randint(8, 30)) for _ in range(rng.randint(1, 3)))
            quoted = "\n".join(f"> {_sentence(rng, 12)}" for _ in range(6))
            message.set_content(f"{new_text}\n\nOn Monday, support wrote:\n{quoted}\n")
        else:
            subject = f"{_sentence(rng, 4)[:-1]} ({number})"
            message = _base(rng, number, sender, subject)
            paragraphs = [_sentence(rng, rng.randint(10, 40)) for _ in range(rng.randint(1, 4))]
            message.set_content("Hello,\n\n" + "\n\n".join(paragraphs) + f"\n\nThanks,\nCustomer {sender}\n")
            if rng.random() < 0.5:
                html = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
                message.add_alternative(f"<html><body><p>Hello,</p>{html}</body></html>", subtype="html")
            if rng.random() < 0.1:
                message.add_attachment(PDF, maintype="application", subtype="pdf", filename=f"order-{number}.pdf")
            requests_by_sender.setdefault(sender, []).append((number, subject))
        yield message.as_bytes()
