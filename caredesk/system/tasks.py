"""Background work for the system itself."""

from django_tasks import task

from caredesk.system import schedule


@task()
def requeue_orphaned_tasks() -> None:
    """Give back the tasks of workers that died mid-task (system/recovery.py)."""
    from .recovery import requeue_orphaned_tasks as requeue

    requeue()


schedule.register("requeue orphaned tasks", every_seconds=30, task=requeue_orphaned_tasks)
