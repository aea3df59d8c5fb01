"""caredesk demo: migrate, load the demo desk once, then run the web app and the worker together."""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from caredesk.demo import LOGINS, PASSWORD


class Command(BaseCommand):
    help = "Set up an SQLite desk with demo data and run the web app and worker on http://127.0.0.1:$PORT."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load the data and exit.")

    def handle(self, *, no_serve: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        from caredesk import demo

        if demo.is_loaded():
            self.stdout.write("Demo data already loaded.")
        else:
            self.stdout.write(f"Loading the demo desk (about {demo.CONVERSATIONS:,} tickets)...")
            counts = demo.load(progress=lambda text: self.stdout.write("  " + text))
            self.stdout.write(f"Loaded {counts}.")
        if no_serve:
            return
        port = os.environ.get("PORT", "8000")
        cli = [sys.executable, "-m", "caredesk.cli"]
        web = subprocess.Popen([*cli, "serve", "--port", port])
        worker = subprocess.Popen([*cli, "worker", "--verbosity", "0"])
        time.sleep(1.5)
        self.stdout.write(self.style.SUCCESS(f"\ncaredesk is running on http://127.0.0.1:{port}/"))
        self.stdout.write(f"Log in with any of these (password: {PASSWORD}):")
        for email, role in LOGINS:
            self.stdout.write(f"  {email:28} {role}")
        self.stdout.write("Press Ctrl-C to stop.")

        def stop(*_):
            for process in (web, worker):
                process.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while web.poll() is None and worker.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in (web, worker):
                process.wait(timeout=15)
