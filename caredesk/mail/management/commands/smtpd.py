"""caredesk smtpd [--host H] [--port N] [--lmtp] [--team NAME]: receive the desk's mail from a mail server.

Postfix or Exim delivers to it over SMTP or, with --lmtp, LMTP. Each message is stored, then processed in
a task by `caredesk worker` (caredesk.mail.smtpd says why it answers as it does).
"""

import asyncio

from django.core.management.base import BaseCommand, CommandError

from caredesk.mail import queries, smtpd


class Command(BaseCommand):
    help = "Receive email over SMTP or LMTP, store it and queue it for processing, until SIGINT or SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8025, help="Port to listen on (default 8025).")
        parser.add_argument("--lmtp", action="store_true", help="Speak LMTP instead of SMTP (Postfix/Exim).")
        parser.add_argument(
            "--team",
            help="Team for new tickets of mail to no mapped address (default: CAREDESK_EMAIL_TEAM, else the "
            "first team by name).",
        )

    def handle(self, *, host: str, port: int, lmtp: bool, team: str | None, **options):
        try:
            default_team = queries.receiving_team(team)
        except queries.NoTeam as error:
            raise CommandError(str(error)) from None
        # A mapping naming no team fails now, where the operator sees it, rather than mail by mail.
        for address, name in queries.email_addresses().items():
            try:
                queries.receiving_team(name)
            except queries.NoTeam as error:
                raise CommandError(
                    f"CAREDESK_EMAIL_ADDRESSES maps {address} to a team that does not exist. {error}"
                ) from None
        receiver = smtpd.Receiver(default_team=default_team, lmtp=lmtp)
        protocol = "LMTP" if lmtp else "SMTP"

        def ready() -> None:
            self.stdout.write(f"caredesk smtpd listening on {host}:{port} ({protocol})")
            self.stdout.flush()

        try:
            asyncio.run(smtpd.serve(receiver, host=host, port=port, on_ready=ready))
        except OSError as error:  # the port is taken, or the address is not this machine's
            raise CommandError(f"Cannot listen on {host}:{port}: {error.strerror or error}") from None
