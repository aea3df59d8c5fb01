"""Give back the tasks of workers that died while running them.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever resets it, so a worker
killed mid-task (SIGKILL, out of memory, a lost machine) would leave that task undone for good: an
inbound email stored but never made a ticket, a reply never sent. Every caredesk task is safe to run
twice (STYLE.md), so such a task is simply made ready again once its worker has stopped beating.
"""

from datetime import timedelta

from django.utils import timezone
from django_tasks.base import TaskResultStatus

from .models import WorkerHeartbeat

# Three missed heartbeats (commands/worker.py beats every 10 s) before a worker counts as dead.
DEAD_AFTER = timedelta(seconds=30)


def requeue_orphaned_tasks(*, dead_after: timedelta = DEAD_AFTER) -> int:
    """Make RUNNING tasks whose worker has stopped beating READY again. Returns how many."""
    from django_tasks_db.models import DBTaskResult

    # Dead: a worker whose heartbeat row is there but stale (a worker that exits cleanly deletes its row,
    # after finishing its task). A worker with no row at all (`caredesk worker --batch`, which does not
    # beat) cannot be judged, so its tasks are left alone.
    dead = set(
        WorkerHeartbeat.objects.filter(seen_at__lt=timezone.now() - dead_after).values_list("worker_id", flat=True)
    )
    # A task just claimed by a worker whose first beat has not landed yet is not orphaned: only tasks
    # started longer ago than a worker needs to beat are judged.
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - dead_after
    ).only("pk", "worker_ids")
    orphaned = [task.pk for task in running if task.worker_ids and task.worker_ids[-1] in dead]
    if not orphaned:
        return 0
    # Conditional on still RUNNING: a task its worker finished a moment ago stays finished.
    return DBTaskResult.objects.filter(pk__in=orphaned, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.READY, started_at=None
    )
