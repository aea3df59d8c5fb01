"""Background work for surveys. Tasks take ids and are safe to run twice."""

from django_tasks import task


@task()
def send_surveys(ticket_id: int, solve_event_id: int) -> None:
    """Ask the customer about one solve of their ticket (services.send: once, however often this runs)."""
    from . import services

    services.send(ticket_id, solve_event_id)


@task()
def tell_leads(follow_up_id: int) -> None:
    """Email the team's leads that a customer gave a low score (once per follow-up and lead)."""
    from caredesk.conversations.tasks import _notify_once
    from caredesk.notifications.defaults import Kind as Mail
    from caredesk.notifications.values import absolute, for_ticket, person
    from django.urls import reverse

    from . import queries
    from .models import FollowUp

    follow_up = (
        FollowUp.objects.filter(pk=follow_up_id, state=FollowUp.State.OPEN)
        .select_related("survey", "ticket__team", "ticket__customer")
        .first()
    )
    if follow_up is None:
        return
    survey, ticket = follow_up.survey, follow_up.ticket
    for lead in queries.leads_of(follow_up.team_id):
        _notify_once(
            f"survey-follow-up:{follow_up.pk}:{lead.pk}",
            kind=Mail.SURVEY_FOLLOW_UP,
            ticket=ticket,
            to=lead.email,
            values=for_ticket(
                ticket,
                agent=person(lead),
                survey={"kind": survey.kind.upper(), "score": survey.score_label(follow_up.score), "comment": survey.comment},
                follow_ups_url=absolute(reverse("surveys:follow_ups")),
            ),
        )
