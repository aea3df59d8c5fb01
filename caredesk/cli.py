"""The `caredesk` command: Django's manage.py for this project (caredesk demo, serve, worker, ...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredesk.settings")
    argv = list(sys.argv if argv is None else argv)
    command = argv[1] if len(argv) > 1 else ""
    if command in ("demo", "serve") or (command == "runserver"):
        # A desk on this laptop speaks plain http on loopback; production keeps the HTTPS-only defaults.
        os.environ.setdefault("CAREDESK_SECURE", "false")
    if command == "demo":
        # Nobody stands in front of the demo: X-Forwarded-* headers come from clients and are not trusted.
        os.environ.setdefault("BEHIND_PROXY", "false")
        # The demo has no mail server: outgoing mail is written to files under var/mail instead.
        os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
