"""Background work for coaching: the weekly review sample, and telling an agent their work was reviewed.
Safe to run twice (pick_sample adds only what is missing; the email goes once per review), so the sample
runs every hour and does nothing once last week is sampled."""

from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from caredesk.system import schedule


@task()
def pick_weekly_samples() -> None:
    """Sample last week's solved tickets of every team for review (services.sample_all)."""
    from . import services

    services.sample_all()


schedule.register("pick_weekly_samples", every_seconds=3600, task=pick_weekly_samples)


def review_values(review) -> dict:
    """The values of the REVIEWED email (notifications.samples lists them)."""
    from django.urls import reverse

    from caredesk.notifications.values import absolute, for_ticket, person

    from .models import BEHAVIOURS, Rating

    ratings = [
        {"behaviour": str(label), "value": str(Rating(value).label if value is not None else _("Not applicable"))}
        for label, value in ((label, getattr(review, name)) for name, label in BEHAVIOURS.items())
    ]
    return for_ticket(review.ticket, agent=person(review.agent), review={
        "reviewer": str(review.reviewer),
        "ratings": ratings,
        "resolution": review.get_resolution_display(),
        "accurate": str(_("Yes") if review.accurate else _("No")),
        "comment": review.comment,
        "url": absolute(reverse("coaching:agent", args=[review.agent_id])),
    })


@task()
def tell_reviewed(review_id: int) -> None:
    """Email the reviewed agent their scorecard and a link to their coaching page, once per review."""
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail
    from caredesk.notifications.defaults import Kind
    from caredesk.notifications.rendering import render
    from caredesk.system.idempotency import once

    from .models import Review

    review = Review.objects.select_related("agent", "reviewer", "ticket__customer", "ticket__team").filter(pk=review_id).first()
    if review is None or not review.agent.is_active or not review.agent.email or review.agent_id == review.reviewer_id:
        return
    email = render(Kind.REVIEWED, team=review.ticket.team, context=review_values(review))
    if email is None:  # switched off by an admin
        return
    with transaction.atomic(), once(f"reviewed:{review.pk}") as first_time:
        if first_time:
            outbox.queue(
                kind=OutboundEmail.Kind.NOTIFICATION, ticket=review.ticket, to=review.agent.email,
                subject=email.subject, body_text=email.body,
            )
