"""Background work for coaching: the weekly review sample. Safe to run twice (pick_sample adds only
what is missing), so it runs every hour and does nothing once last week is sampled."""

from django_tasks import task

from caredesk.system import schedule


@task()
def pick_weekly_samples() -> None:
    """Sample last week's solved tickets of every team for review (services.sample_all)."""
    from . import services

    services.sample_all()


schedule.register("pick_weekly_samples", every_seconds=3600, task=pick_weekly_samples)
