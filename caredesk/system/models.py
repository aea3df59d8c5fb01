from django.db import models
from django.utils import timezone


class Done(models.Model):
    """A side effect that has happened (an email sent, ...), by key, so a task run twice does it once."""

    key = models.CharField(max_length=200, unique=True)
    at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key


class WorkerHeartbeat(models.Model):
    """Each running worker writes here every few seconds; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.hostname}"


class ScheduledJob(models.Model):
    """When a periodic job (system.schedule) is next due. Workers claim a run by moving next_run_at on
    with a conditional UPDATE: however many workers run the scheduler, each run is queued once."""

    name = models.CharField(max_length=100, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (next {self.next_run_at:%Y-%m-%d %H:%M:%S})"
