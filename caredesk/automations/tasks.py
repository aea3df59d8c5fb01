"""Background work for automations. Each task takes ids, calls the engine, and is safe to run twice:
a time rule's guard and the notices' once-keys make a second run change nothing."""

from django_tasks import task

from caredesk.notifications.defaults import Kind
from caredesk.system import schedule

TIME_RULES_EVERY_SECONDS = 5 * 60


@task()
def apply_rules(event_id: int, chain: list[int] | None = None) -> None:
    """Apply the event rules that react to this event (queued by the event hook after commit)."""
    from . import engine

    engine.apply_event_rules(event_id, chain=chain or [])


@task()
def run_time_rules() -> None:
    """The sweep: every enabled time rule acts on the tickets it is due on (a batch each)."""
    from . import engine

    engine.run_time_rules()


@task()
def send_notice(run_id: int, user_id: int) -> None:
    """Email one person the notice a rule's "notify" action asked for (once per run and person)."""
    from caredesk.accounts.models import User
    from caredesk.conversations.tasks import _notify_once
    from caredesk.notifications.values import for_ticket, person

    from .models import RuleRun

    run = RuleRun.objects.select_related("rule", "ticket__team", "ticket__customer").filter(pk=run_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if run is None or user is None or not user.email:
        return
    _notify_once(
        f"automation:{run.pk}:{user.pk}",
        kind=Kind.AUTOMATION_NOTICE,
        ticket=run.ticket,
        to=user.email,
        values=for_ticket(run.ticket, agent=person(user), rule={"name": run.rule.name}, note=run.rule.description),
    )


schedule.register("automations.run_time_rules", every_seconds=TIME_RULES_EVERY_SECONDS, task=run_time_rules)
