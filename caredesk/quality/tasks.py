"""Background work for reply quality. Safe to run twice: a reply is scored once."""

from django_tasks import task


@task()
def score_reply(message_id: int) -> None:
    """Score one sent reply (services.score_reply)."""
    from . import services

    services.score_reply(message_id)
