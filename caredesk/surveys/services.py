"""Writes on surveys: one function per use case, each in one transaction with its event.

- `solved(event)` (a conversations hook) queues `tasks.send_surveys` to run `delay_hours` after a
  ticket is solved. Quiet while history is replayed.
- `send(ticket_id, solve_event_id)`: the task's work. Creates the Survey rows of that solve and puts
  ONE email with the one-click links in the outbox; a second run finds the rows and does nothing.
- `answer(survey, score=, comment=)`: records an answer or a change (SURVEY_ANSWERED), and opens a
  follow-up for the team's leads when the score is low.
- `handle(follow_up, by=, note=)`: a lead closes a follow-up.

Callers check who may act (links are checked by `links.survey_for`, the portal by
portal queries, follow-ups by permissions.can_handle_follow_up).
"""

import logging
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext as _
from django_tasks import task_backends

from caredesk.accounts.models import Team, User
from caredesk.conversations import events, hooks
from caredesk.conversations.models import Event, Ticket
from caredesk.system import clock
from caredesk.system.idempotency import once
from caredesk.system.queue import later

from . import links
from .models import FollowUp, Kind, Scale, Survey, SurveySettings

logger = logging.getLogger(__name__)

MAX_COMMENT = 2000  # characters of a comment

QUESTIONS = {
    Kind.CSAT: "How would you rate the help you received?",
    Kind.CES: "How easy was it to get your problem solved? (1 very hard, 7 very easy)",
    Kind.NPS: "How likely are you to recommend us to a friend? (0 not at all, 10 certainly)",
}


def settings_for(team: Team | None) -> SurveySettings:
    """The team's own settings, else the default row, else the built-in defaults (unsaved)."""
    mine = Q(team__isnull=True) | Q(team=team) if team else Q(team__isnull=True)
    rows = {row.team_id: row for row in SurveySettings.objects.filter(mine)}
    return rows.get(team.pk if team else None) or rows.get(None) or SurveySettings(team=None)


def _emailable(ticket: Ticket) -> bool:
    customer = ticket.customer
    return bool(customer.email and "@" in customer.email and not customer.email_failing_since)


# Sending ------------------------------------------------------------------------------------------


def solved(event: Event) -> None:
    """Hook (conversations.hooks.on_event): a ticket was solved; queue its surveys for after the delay."""
    if event.kind != Event.Kind.STATUS_CHANGED or (event.data or {}).get("to") != Ticket.Status.SOLVED:
        return
    if hooks.replaying_history():
        return  # an old solve is not a reason to ask a customer anything today
    ticket = event.ticket
    config = settings_for(ticket.team)
    if not config.kinds():
        return
    if config.channel == SurveySettings.Channel.EMAIL and not _emailable(ticket):
        return  # nowhere to ask
    from . import tasks

    task = tasks.send_surveys
    if config.delay_hours:
        if not task_backends[task.backend].supports_defer:
            # Sending now would ask before the fix has been seen to work; the database backend defers.
            logger.warning("Surveys not queued for ticket %s: the task backend cannot delay tasks.", ticket.pk)
            return
        task = task.using(run_after=event.at + timedelta(hours=config.delay_hours))
    later(task, ticket_id=ticket.pk, solve_event_id=event.pk)


@transaction.atomic
def send(ticket_id: int, solve_event_id: int) -> list[Survey]:
    """Send the surveys of one solve: create its Survey rows, record SURVEY_SENT and queue one email.
    Returns the new surveys; an empty list when the ticket was reopened (or solved again since), when
    surveys are now switched off, or when this solve was surveyed already (a retried task)."""
    from caredesk.mail import outbox
    from caredesk.mail.models import OutboundEmail
    from caredesk.notifications.defaults import Kind as Mail
    from caredesk.notifications.rendering import render
    from caredesk.notifications.values import for_ticket

    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or ticket.status != Ticket.Status.SOLVED or ticket.merged_into_id:
        return []
    last_solve = (
        ticket.events.filter(kind=Event.Kind.STATUS_CHANGED, data__to=Ticket.Status.SOLVED)
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if last_solve != solve_event_id:
        return []  # reopened and solved again: that solve's own task asks
    if Survey.objects.filter(ticket=ticket, solve_event_id=solve_event_id).exists():
        return []
    config = settings_for(ticket.team)
    channel = config.channel
    emailable = _emailable(ticket)
    if channel == SurveySettings.Channel.EMAIL and not emailable:
        return []
    now = clock.now()
    surveys = [
        Survey.objects.create(
            ticket=ticket,
            team=ticket.team,
            solve_event_id=solve_event_id,
            kind=kind,
            scale=scale,
            channel=channel,
            sent_at=now,
            changeable_until=now + timedelta(days=config.change_days),
            low_threshold=config.low_threshold(kind, scale),
        )
        for kind, scale in config.kinds()
    ]
    if not surveys:
        return []
    emailed = False
    if channel != SurveySettings.Channel.PORTAL and emailable:
        values = for_ticket(ticket, change_days=config.change_days, surveys=[_question(s) for s in surveys])
        email = render(Mail.SURVEY, team=ticket.team, context=values)
        if email is not None:
            with once(f"survey:{ticket.pk}:{solve_event_id}") as first_time:
                if first_time:
                    outbox.queue(
                        kind=OutboundEmail.Kind.NOTIFICATION,
                        ticket=ticket,
                        to=ticket.customer.email,
                        subject=email.subject,
                        body_text=email.body,
                        # Clickable links in the HTML part, from the admins' plain-text wording.
                        body_html=linebreaks(urlize(email.body, nofollow=True, autoescape=True), autoescape=False),
                    )
                    emailed = True
    events.record(
        ticket,
        Event.Kind.SURVEY_SENT,
        by=None,
        data={
            "surveys": [{"survey": s.pk, "kind": s.kind, "scale": s.scale} for s in surveys],
            "channel": channel,
            "emailed": emailed,
            "solve": solve_event_id,
        },
    )
    return surveys


def _question(survey: Survey) -> dict:
    from caredesk.notifications.values import absolute

    def label(score: int) -> str:
        if survey.scale == Scale.GOOD_BAD:
            return "Good" if score else "Bad"
        return str(score)

    scores = survey.scores[::-1] if survey.scale == Scale.GOOD_BAD else survey.scores  # "Good" first
    return {
        "question": QUESTIONS[Kind(survey.kind)],
        "links": [{"label": label(score), "url": absolute(links.answer_url(survey, score))} for score in scores],
    }


# Answering ----------------------------------------------------------------------------------------


def check_answer(survey: Survey, *, score, comment: str | None) -> tuple[int, str | None]:
    """The score as an int and the comment tidied, or ValidationError with the reason."""
    try:
        score = int(score)
    except (TypeError, ValueError):
        raise ValidationError(_("Choose one of the scores offered.")) from None
    if score not in survey.scores:
        low, high = survey.scores[0], survey.scores[-1]
        raise ValidationError(_("A score on this survey is from %(low)s to %(high)s.") % {"low": low, "high": high})
    if comment is not None:
        comment = comment.strip()
        if len(comment) > MAX_COMMENT:
            raise ValidationError(
                _("Please keep your comment to %(max)s characters (it has %(n)s).") % {"max": MAX_COMMENT, "n": len(comment)}
            )
    return score, comment


@transaction.atomic
def answer(survey: Survey, *, score, comment: str | None = None, by: User | None = None) -> Survey:
    """Record the customer's answer, or change it while the window is open. `comment=None` keeps the
    comment. Raises ValidationError, changing nothing, for a score off the scale, a comment too long or
    a closed window. Answering again with the same score and comment records nothing."""
    score, comment = check_answer(survey, score=score, comment=comment)
    survey = Survey.objects.select_for_update().select_related("ticket__team", "ticket__customer").get(pk=survey.pk)
    now = clock.now()
    if not survey.can_change(now):
        raise ValidationError(_("This survey closed on %(date)s; thank you all the same.") % {"date": f"{survey.changeable_until:%d %b %Y}"})
    changed = survey.answered
    if changed and survey.score == score and (comment is None or comment == survey.comment):
        return survey
    survey.score = score
    if comment is not None:
        survey.comment = comment
    if changed:
        survey.changed_at = now
    else:
        survey.answered_at = now
    survey.save(update_fields=["score", "comment", "answered_at", "changed_at"])
    events.record(
        survey.ticket,
        Event.Kind.SURVEY_ANSWERED,
        by=by,
        data={"survey": survey.pk, "kind": survey.kind, "score": score, "scale": survey.scale, "changed": changed,
              "comment": bool(survey.comment)},
    )
    if survey.is_low:
        _follow_up(survey)
    return survey


def _follow_up(survey: Survey) -> None:
    """Open a follow-up for a low answer (once per survey: a changed answer updates the survey, and the
    follow-up page shows the latest score next to the one that opened it)."""
    from . import tasks

    ticket = survey.ticket
    if ticket.team_id is None:
        return
    follow_up, created = FollowUp.objects.get_or_create(
        survey=survey, defaults={"ticket": ticket, "team_id": ticket.team_id, "score": survey.score}
    )
    if created:
        later(tasks.tell_leads, follow_up_id=follow_up.pk)


@transaction.atomic
def handle(follow_up: FollowUp, *, by: User, note: str) -> FollowUp:
    """A lead marks a follow-up handled, saying what was done. The caller checked `by` may
    (permissions.can_handle_follow_up)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what was done; the next lead reads it."))
    if len(note) > MAX_COMMENT:
        raise ValidationError(_("Please keep the note to %(max)s characters.") % {"max": MAX_COMMENT})
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up was handled already."))
    follow_up.state, follow_up.handled_at, follow_up.handled_by, follow_up.note = (
        FollowUp.State.HANDLED, clock.now(), by, note,
    )
    follow_up.save(update_fields=["state", "handled_at", "handled_by", "note"])
    return follow_up


# Settings -----------------------------------------------------------------------------------------


@transaction.atomic
def save_settings(team: Team | None, *, by: User, **values) -> SurveySettings:
    """Save a team's survey settings (team None: the default). The form validated the values."""
    row = SurveySettings.objects.select_for_update().filter(team=team).first() or SurveySettings(team=team)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = clock.now(), by
    row.full_clean(validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def use_default(team: Team) -> None:
    """Drop a team's own settings so it follows the default again."""
    SurveySettings.objects.filter(team=team).delete()
