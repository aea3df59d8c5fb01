"""caredesk serve: the web app under gunicorn on 127.0.0.1:$PORT (default 8000)."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web app with gunicorn (PORT, HOST, WEB_CONCURRENCY and WEB_THREADS from the environment)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--workers", default=os.environ.get("WEB_CONCURRENCY", "2"))
        # One thread a process: the pages are Python-bound, and threads of one process wait for each
        # other's GIL. At 10^6 tickets, 2 workers x 1 thread against 2 x 4 (bench/pages_ab.py, 4
        # connections): ticket page p95 166 -> 85 ms, queue 120 -> 69 ms. Concurrency comes from processes.
        parser.add_argument("--threads", default=os.environ.get("WEB_THREADS", "1"))

    def handle(self, *, host: str, port: str, workers: str, threads: str, **options):
        argv = [
            sys.executable, "-m", "gunicorn", "caredesk.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", str(threads),
            "--access-logfile", "-" if options["verbosity"] > 1 else "/dev/null",
            "--graceful-timeout", "10",
        ]
        os.execv(sys.executable, argv)
