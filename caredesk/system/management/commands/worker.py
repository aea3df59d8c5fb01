"""caredesk worker: run background tasks, say so every few seconds for /healthz, and queue the periodic
jobs (system.schedule) as they fall due."""

import socket
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from caredesk.system import schedule
from caredesk.system.models import WorkerHeartbeat

HEARTBEAT_SECONDS = 10


def beat(worker_id: str, stop: threading.Event) -> None:
    hostname = socket.gethostname()
    while not stop.is_set():
        close_old_connections()
        try:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id, defaults={"seen_at": timezone.now(), "hostname": hostname}
            )
        except Exception:  # a busy database must not kill the worker; the next beat tries again
            pass
        stop.wait(HEARTBEAT_SECONDS)


class Command(BaseCommand):
    help = "Run the background worker (django-tasks database backend)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls when idle.")

    def handle(self, *, batch: bool, interval: float, verbosity: int, **options):
        worker_id = get_random_string(32)
        stop = threading.Event()
        if not batch:
            threading.Thread(target=beat, args=(worker_id, stop), daemon=True).start()
            # Every worker runs the scheduler: the database decides which one queues each run, so the
            # periodic jobs keep going as long as any worker does.
            threading.Thread(target=schedule.run_forever, args=(stop,), daemon=True, name="scheduler").start()
        try:
            call_command(
                "db_worker",
                worker_id=worker_id,
                batch=batch,
                interval=interval,
                queue_name="*",
                reload=False,
                startup_delay=not batch,
                verbosity=verbosity,
            )
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
