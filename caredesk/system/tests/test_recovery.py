"""A task whose worker died while running it is made ready again; a live worker's task is left alone."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from caredesk.conversations import tasks
from caredesk.system.models import WorkerHeartbeat
from caredesk.system.recovery import requeue_orphaned_tasks

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


def running_task(worker_id: str, *, started_seconds_ago: int) -> DBTaskResult:
    with override_settings(TASKS=DB_TASKS):
        result = tasks.index_ticket.enqueue(ticket_id=1)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(seconds=started_seconds_ago))
    return row


def status_of(row: DBTaskResult) -> str:
    return DBTaskResult.objects.get(pk=row.pk).status


@pytest.mark.django_db
def test_only_the_tasks_of_dead_workers_are_made_ready_again():
    WorkerHeartbeat.objects.create(worker_id="alive", hostname="a", seen_at=timezone.now())
    WorkerHeartbeat.objects.create(worker_id="dead", hostname="b", seen_at=timezone.now() - timedelta(minutes=5))
    of_the_living = running_task("alive", started_seconds_ago=600)
    of_the_dead = running_task("dead", started_seconds_ago=600)
    of_a_batch_worker = running_task("never-beat", started_seconds_ago=600)  # --batch workers do not beat
    just_claimed = running_task("dead", started_seconds_ago=1)  # claimed moments ago: not judged yet

    assert requeue_orphaned_tasks() == 1

    assert [status_of(row) for row in (of_the_living, of_the_dead, of_a_batch_worker, just_claimed)] == [
        "RUNNING", "READY", "RUNNING", "RUNNING",
    ]
    assert requeue_orphaned_tasks() == 0  # nothing left to give back


@pytest.mark.django_db
def test_a_finished_task_is_never_reopened():
    row = running_task("dead", started_seconds_ago=600)
    DBTaskResult.objects.filter(pk=row.pk).update(status="SUCCESSFUL")
    assert requeue_orphaned_tasks() == 0
    assert status_of(row) == "SUCCESSFUL"
