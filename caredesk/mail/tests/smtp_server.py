"""A real SMTP server for the outbox tests: aiosmtpd on loopback, recording what it accepts.

Import the fixture into a test module (`from .smtp_server import smtp_server`); it points Django's SMTP
backend at the server for that test. Set `smtp_server.answer` to make it refuse the next messages, or
`smtp_server.refuse[text] = answer` to refuse only those that contain `text`. Each accepted envelope
keeps the client's address and port (`peer`): two envelopes from the same peer came over one connection.
"""

import socket
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

ACCEPT = "250 OK"
TRY_LATER = "451 4.3.0 Mailbox temporarily unavailable, try again later"
NO_SUCH_USER = "550 5.1.1 mailbox unknown"


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    peer: tuple = ()

    @property
    def message(self) -> EmailMessage:
        return BytesParser(policy=policy.default).parsebytes(self.content)


@dataclass
class RecordingHandler:
    """Answers DATA with `answer` (or the answer `refuse` has for a text the email contains); records the
    envelope only when it accepts (250)."""

    answer: str = ACCEPT
    refuse: dict[str, str] = field(default_factory=dict)
    received: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        content = envelope.original_content
        answer = next((no for text, no in self.refuse.items() if text.encode() in content), self.answer)
        if answer.startswith("250"):
            self.received.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos), content, session.peer))
        return answer


class SMTPServer:
    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Envelope]:
        return self.handler.received

    @property
    def refuse(self) -> dict[str, str]:
        return self.handler.refuse

    @property
    def answer(self) -> str:
        return self.handler.answer

    @answer.setter
    def answer(self, value: str) -> None:
        self.handler.answer = value

    def start(self) -> None:
        """Listen on the port (again, after stop: a controller runs once, so each start makes one)."""
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield server
    finally:
        server.stop()
