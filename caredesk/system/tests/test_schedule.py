"""system.schedule: periodic jobs are queued when due, once per run however many workers look."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django_tasks import task

from caredesk.system import clock, schedule
from caredesk.system.models import Done, ScheduledJob

TICK = "test tick"


@task()
def record_tick() -> None:
    """The job under test: each run leaves a row (the tests run tasks inline)."""
    Done.objects.create(key=f"tick {Done.objects.count() + 1}")


@pytest.fixture
def registry():
    """The test's job alone in the registry, and the real registry back afterwards."""
    saved = dict(schedule._jobs)
    schedule.jobs()  # apps' tasks modules register now, not in the middle of the test
    schedule._jobs.clear()
    schedule.register(TICK, every_seconds=15, task=record_tick)
    yield
    schedule._jobs.clear()
    schedule._jobs.update(saved)


def test_a_new_job_runs_at_once_then_every_interval(db, registry):
    start = clock.now()
    assert schedule.run_due(start) == [TICK]
    assert schedule.run_due(start + timedelta(seconds=14)) == []
    assert schedule.run_due(start + timedelta(seconds=15)) == [TICK]
    assert Done.objects.count() == 2
    job = ScheduledJob.objects.get(name=TICK)
    assert (job.last_run_at, job.next_run_at) == (start + timedelta(seconds=15), start + timedelta(seconds=30))


def test_a_run_claimed_by_one_worker_is_not_queued_by_another(db, registry):
    now = clock.now()
    assert (schedule.run_due(now), schedule.run_due(now)) == ([TICK], [])
    assert Done.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_looking_at_the_same_moment_queue_the_run_once(registry):
    if connection.vendor == "sqlite":
        # The in-memory test database refuses a second writer outright ("table is locked") rather than
        # waiting; a file database serialises writers (IMMEDIATE). The sequential claim is tested above.
        pytest.skip("two writers at once need PostgreSQL here")
    now = clock.now()
    start = threading.Barrier(2)
    queued: list[list[str]] = []

    def worker() -> None:
        try:
            start.wait()
            queued.append(schedule.run_due(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(queued) == [[], [TICK]]
    assert (Done.objects.count(), ScheduledJob.objects.count()) == (1, 1)


def test_the_mail_app_registers_mailbox_polling_every_15_seconds():
    job = {job.name: job for job in schedule.jobs()}["poll mailboxes"]
    assert (job.every, job.task.name) == (timedelta(seconds=15), "poll_due_mailboxes")


class StopAfterOneLook(threading.Event):
    """A stop signal given while the scheduler waits for its next tick."""

    def wait(self, timeout=None) -> bool:
        self.set()
        return True


@pytest.mark.django_db(transaction=True)  # the loop closes stale connections, as a worker thread must
def test_the_worker_thread_queues_due_jobs_until_stopped(registry):
    schedule.run_forever(StopAfterOneLook(), tick=0)
    assert Done.objects.count() == 1


def test_registering_needs_a_positive_interval():
    with pytest.raises(ValueError, match="every_seconds must be positive"):
        schedule.register("never", every_seconds=0, task=record_tick)
