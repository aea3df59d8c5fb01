"""Periodic jobs: a registry of (name, every_seconds, task), run by `caredesk worker`.

Apps register their jobs in their `tasks` module (`schedule.register(...)` at import); the scheduler
imports every installed app's `tasks` module to find them. Each due job is queued as an ordinary task,
so the workers run it like any other; which worker queues it is decided in the database (ScheduledJob),
so two workers never queue the same run.
"""

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction
from django.utils.module_loading import autodiscover_modules

from caredesk.system import clock
from caredesk.system.queue import later

logger = logging.getLogger(__name__)

# How often the scheduler looks for due jobs; a job runs at most this late.
TICK_SECONDS = 1.0


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    task: object  # a django-tasks Task taking no arguments


_jobs: dict[str, Job] = {}


def register(name: str, *, every_seconds: float, task) -> None:
    """Run `task` (no arguments) every `every_seconds`. Registering a name again replaces it: a module
    imported twice must not run its job twice."""
    if every_seconds <= 0:
        raise ValueError(f"every_seconds must be positive, not {every_seconds}")
    _jobs[name] = Job(name=name, every=timedelta(seconds=every_seconds), task=task)


def jobs() -> list[Job]:
    autodiscover_modules("tasks")
    return list(_jobs.values())


def run_due(now: datetime | None = None) -> list[str]:
    """Queue each job whose time has come, unless another worker has just done so. Returns the names
    queued here. A job never seen before is due at once."""
    from .models import ScheduledJob

    now = now or clock.now()
    known = jobs()
    ScheduledJob.objects.bulk_create(
        [ScheduledJob(name=job.name, next_run_at=now) for job in known], ignore_conflicts=True
    )
    queued = []
    for job in known:
        with transaction.atomic():
            # The claim: of two workers reading the same due row, only one UPDATE matches it.
            claimed = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
                next_run_at=now + job.every, last_run_at=now
            )
            if claimed:
                # With the database task backend the task row commits with the claim, or neither does.
                later(job.task)
                queued.append(job.name)
    return queued


def run_forever(stop: threading.Event, *, tick: float = TICK_SECONDS) -> None:
    """The worker's scheduler thread: look for due jobs every `tick` seconds until `stop` is set."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due()
        except Exception:  # a busy or restarting database must not kill the worker; the next tick tries again
            logger.exception("scheduled jobs could not be queued")
        stop.wait(tick)
