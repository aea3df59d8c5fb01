"""caredesk serve: the web app under gunicorn on 127.0.0.1:$PORT (default 8000)."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app with gunicorn (PORT, HOST and WEB_CONCURRENCY from the environment)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))

    def handle(self, *, host: str, port: str, workers: str, **options):
        argv = [
            sys.executable, "-m", "gunicorn", "caredesk.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
            "--access-logfile", "-" if options["verbosity"] > 1 else "/dev/null",
            "--graceful-timeout", "10",
        ]
        os.execv(sys.executable, argv)
