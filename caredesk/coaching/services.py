"""Writes of coaching: a review with its scorecard, the weekly sample, training examples, team settings;
and the coaching page of one agent (coaching_page), read from reviews and examples.

Callers check who may act (queries.ticket_to_review, queries.coaching_agent_for); the services check
what is asked (a rating on the scale, the reviewed agent worked the ticket, a reply is an agent's
public reply).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from caredesk.accounts.models import Team, User
from caredesk.conversations import events
from caredesk.conversations.models import Event, Message, Ticket
from caredesk.system import clock
from caredesk.system.queue import later

from .models import BEHAVIOURS, CoachingSettings, Rating, Review, SampleItem, SituationTag, TrainingExample

MAX_COMMENT = 5000
MAX_NOTE = 2000
MAX_TAGS = 8


# Reviews -----------------------------------------------------------------------------------------


def agents_who_worked(ticket: Ticket) -> list[User]:
    """Whose work a review of the ticket can be about: its owner and everyone who sent a public reply.
    One query."""
    ids = set(Message.objects.filter(ticket=ticket, kind=Message.Kind.REPLY, author__isnull=False).values_list("author_id", flat=True))
    if ticket.owner_id:
        ids.add(ticket.owner_id)
    return list(User.objects.filter(pk__in=ids, role__in=(User.Role.AGENT, User.Role.LEAD, User.Role.ADMIN)).order_by("first_name", "last_name", "pk"))


def _rating(name: str, value, *, optional: bool = False) -> int | None:
    if value in (None, "") and optional:
        return None
    if value not in Rating.values:
        label = BEHAVIOURS[name]
        raise ValidationError(_("Rate “%(behaviour)s” as yes, partly or no.") % {"behaviour": label})
    return value


def _checked(ticket: Ticket, agent: User | None, ratings: dict, resolution: str, accurate, comment: str) -> tuple[dict, str]:
    """The ratings and the comment of a scorecard, or ValidationError naming what is wrong."""
    values = {name: _rating(name, ratings.get(name), optional=name == "polite") for name in BEHAVIOURS}
    if resolution not in Review.Resolution.values:
        raise ValidationError(_("Say whether the conversation was resolved: resolved right, partly or not resolved."))
    if not isinstance(accurate, bool):
        raise ValidationError(_("Say whether the information given was correct."))
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(_("Keep the comment to %(count)d characters.") % {"count": MAX_COMMENT})
    if agent is None or agent.pk not in {person.pk for person in agents_who_worked(ticket)}:
        raise ValidationError(_("Review the work of someone who owned or answered this ticket."))
    return values, comment


@transaction.atomic
def review(
    ticket: Ticket,
    *,
    agent: User,
    by: User,
    ratings: dict[str, int | None],
    resolution: str,
    accurate: bool,
    comment: str = "",
) -> Review:
    """Record a review of `agent`'s work on the ticket and a REVIEWED event. `ratings` holds a Rating
    (0-2) for each behaviour; `polite` may be None (not applicable). Raises ValidationError, saving
    nothing, for a missing or out-of-scale rating, an unknown resolution, an agent who did not work
    the ticket, or a comment over 5,000 characters. A waiting sample item of the ticket and agent is
    marked done by it, and the agent is emailed the scorecard (tasks.tell_reviewed) unless they reviewed
    themselves."""
    values, comment = _checked(ticket, agent, ratings, resolution, accurate, comment)
    created = Review.objects.create(
        ticket=ticket, agent=agent, reviewer=by, resolution=resolution, accurate=accurate, comment=comment,
        created_at=clock.now(), **values,
    )
    SampleItem.objects.filter(ticket=ticket, agent=agent, review__isnull=True).update(review=created)
    events.record(
        ticket, Event.Kind.REVIEWED, by=by,
        data={"review": created.pk, "agent": agent.pk, "resolution": resolution, "accurate": accurate},
    )
    if agent.pk != by.pk:
        from . import tasks

        later(tasks.tell_reviewed, review_id=created.pk)
    return created


@transaction.atomic
def change_review(
    review: Review, *, by: User, ratings: dict[str, int | None], resolution: str, accurate: bool, comment: str = ""
) -> Review:
    """Correct a review (the caller checked permissions.can_change_review): the same checks as review(),
    nothing saved when one fails; a REVIEWED event marked "changed". The agent is not emailed again:
    their coaching page shows the review as it now is."""
    values, comment = _checked(review.ticket, review.agent, ratings, resolution, accurate, comment)
    for name, value in {**values, "resolution": resolution, "accurate": accurate, "comment": comment}.items():
        setattr(review, name, value)
    review.changed_at = clock.now()
    review.save()
    events.record(
        review.ticket, Event.Kind.REVIEWED, by=by,
        data={"review": review.pk, "agent": review.agent_id, "resolution": resolution, "accurate": accurate,
              "changed": True},
    )
    return review


# The weekly sample -------------------------------------------------------------------------------


def week_of(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def last_week(now: datetime | None = None) -> date:
    """The Monday of the week before this one (in the desk's time zone): the week a sample is taken of."""
    today = timezone.localtime(now or clock.now()).date()
    return week_of(today) - timedelta(days=7)


def settings_of(team: Team) -> CoachingSettings:
    """The team's settings, or the defaults (unsaved) for a team that never changed them."""
    try:
        return team.coaching_settings
    except CoachingSettings.DoesNotExist:
        return CoachingSettings(team=team)


@transaction.atomic
def change_settings(team: Team, *, sample_enabled: bool, sample_per_agent: int, by: User) -> CoachingSettings:
    """Save the team's sample settings. The caller has checked `by` (permissions.can_manage_routing)."""
    if not isinstance(sample_per_agent, int) or not 1 <= sample_per_agent <= 20:
        raise ValidationError(_("Pick between 1 and 20 tickets per agent per week."))
    settings, _created = CoachingSettings.objects.update_or_create(
        team=team, defaults={"sample_enabled": bool(sample_enabled), "sample_per_agent": sample_per_agent}
    )
    return settings


def solved_in_week(team: Team, week: date) -> list[tuple[int, int]]:
    """(ticket id, owner id) of the team's tickets solved in the week starting on Monday `week` (local
    time) and still solved or closed. The week's STATUS_CHANGED events narrow the tickets through the
    (kind, at) index, so the sample never scans the team's whole history. One query."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(week, time.min, tzinfo=tz)
    end = datetime.combine(week + timedelta(days=7), time.min, tzinfo=tz)
    changed = Event.objects.filter(kind=Event.Kind.STATUS_CHANGED, at__gte=start, at__lt=end).values("ticket_id")
    return list(
        Ticket.objects.filter(
            pk__in=changed, team=team, status__in=(Ticket.Status.SOLVED, Ticket.Status.CLOSED),
            solved_at__gte=start, solved_at__lt=end, owner__isnull=False, merged_into__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "owner_id")
    )


def pick_sample(team: Team, week: date) -> list[SampleItem]:
    """Pick, for each agent, a random few of the team's tickets they solved in the week (their share of
    settings_of(team).sample_per_agent not yet picked). Safe to run again for the same week: it picks
    only what is missing, and never the same ticket twice. Returns the items added."""
    week = week_of(week)
    settings = settings_of(team)
    if not settings.sample_enabled:
        return []
    by_agent: dict[int, list[int]] = {}
    for ticket_id, owner_id in solved_in_week(team, week):
        by_agent.setdefault(owner_id, []).append(ticket_id)
    agents = set(
        User.objects.filter(pk__in=by_agent, is_active=True, role__in=(User.Role.AGENT, User.Role.LEAD)).values_list("pk", flat=True)
    )
    with transaction.atomic():
        # Lock the team's row: two workers sampling the same week at once would each pick a share.
        Team.objects.select_for_update().filter(pk=team.pk).first()
        picked: dict[int, set[int]] = {}
        for agent_id, ticket_id in SampleItem.objects.filter(team=team, week=week).values_list("agent_id", "ticket_id"):
            picked.setdefault(agent_id, set()).add(ticket_id)
        added = []
        for agent_id in sorted(agents):
            already = picked.get(agent_id, set())
            wanted = settings.sample_per_agent - len(already)
            if wanted <= 0:
                continue
            candidates = [pk for pk in by_agent[agent_id] if pk not in already]
            # A generator seeded by team, week and agent: the same week samples the same tickets if run
            # on an empty table again (a test, a restored database), yet differs from week to week.
            chosen = random.Random(f"{team.pk}:{week}:{agent_id}").sample(candidates, min(wanted, len(candidates)))
            added += [SampleItem(team=team, week=week, agent_id=agent_id, ticket_id=pk) for pk in sorted(chosen)]
        SampleItem.objects.bulk_create(added, ignore_conflicts=True)
    return added


def sample_all(week: date | None = None) -> int:
    """pick_sample for every team, for `week` (default: last week). Returns how many tickets were added."""
    week = week or last_week()
    return sum(len(pick_sample(team, week)) for team in Team.objects.select_related("coaching_settings"))


# Training examples -------------------------------------------------------------------------------


def normalise_tags(names) -> list[str]:
    """Tags as typed ("Late delivery, refund") as lower-case names, without repeats, in order."""
    if isinstance(names, str):
        names = names.split(",")
    seen: list[str] = []
    for name in names:
        name = " ".join(str(name).split()).lower()
        if name and name not in seen:
            seen.append(name)
    return seen


@transaction.atomic
def mark_example(message: Message, *, by: User, note: str, tags) -> TrainingExample:
    """Mark an agent's public reply as a training example (or change the note and tags of one already
    marked). Raises ValidationError, saving nothing, for a customer message or a note, an empty note or
    one over 2,000 characters, more than 8 tags or a tag over 40 characters. The caller has checked
    `by` (permissions.can_review on the message's ticket)."""
    if message.kind != Message.Kind.REPLY or message.author_id is None:
        raise ValidationError(_("Only an agent's public reply can be a training example."))
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say why this reply is good; that is what others learn from."))
    if len(note) > MAX_NOTE:
        raise ValidationError(_("Keep the note to %(count)d characters.") % {"count": MAX_NOTE})
    names = normalise_tags(tags)
    if len(names) > MAX_TAGS:
        raise ValidationError(_("Give at most %(count)d situations.") % {"count": MAX_TAGS})
    if any(len(name) > 40 for name in names):
        raise ValidationError(_("Keep each situation to 40 characters."))
    search_text = "\n".join([message.body_text, note, " ".join(names)])
    example, _created = TrainingExample.objects.update_or_create(
        message=message,
        defaults={"ticket_id": message.ticket_id, "agent_id": message.author_id, "marked_by": by, "note": note, "search_text": search_text},
        create_defaults={
            "ticket_id": message.ticket_id, "agent_id": message.author_id, "marked_by": by, "note": note,
            "search_text": search_text, "created_at": clock.now(),
        },
    )
    SituationTag.objects.bulk_create([SituationTag(name=name) for name in names], ignore_conflicts=True)
    example.tags.set(SituationTag.objects.filter(name__in=names))
    return example


@transaction.atomic
def unmark_example(example: TrainingExample, *, by: User) -> None:
    """Take a reply out of the library. The caller has checked `by`."""
    example.delete()


# The coaching page -------------------------------------------------------------------------------


@dataclass
class Behaviour:
    key: str
    label: str
    average: float | None  # 0..1 over the agent's reviews (yes = 1, partly = 0.5), None without any
    team_average: float | None  # the same over the reviews of everyone in the agent's teams
    reviews: int  # reviews of the agent that rated it (polite may be not applicable)
    examples: list[Review] = field(default_factory=list)  # reviews that show it (strengths) or miss it (gaps)

    @property
    def difference(self) -> float | None:
        if self.average is None or self.team_average is None:
            return None
        return self.average - self.team_average


@dataclass
class CoachingPage:
    """What an agent's coaching page shows. `sections` holds what other apps add (figures against the
    care standard, reply-quality scores): each a (title, template, context), appended by one function
    each in SECTIONS."""

    agent: User
    teams: list[Team]
    review_count: int
    behaviours: list[Behaviour]
    strengths: list[Behaviour]
    gaps: list[Behaviour]
    resolved_share: float | None
    accurate_share: float | None
    training_examples: list[TrainingExample]
    recent_reviews: list[Review]
    sections: list[tuple[str, str, dict]] = field(default_factory=list)


STRENGTHS = 2  # behaviours shown as strengths, and as gaps
EXAMPLES = 3  # reviewed tickets shown under each
RECENT = 5  # review comments shown
TRAINING = 10  # training examples shown


def _averages(reviews) -> tuple[dict[str, float | None], dict[str, int]]:
    figures = reviews.aggregate(
        **{f"{key}_avg": Avg(key) for key in BEHAVIOURS},
        **{f"{key}_n": Count(key) for key in BEHAVIOURS},
    )
    averages = {key: (None if figures[f"{key}_avg"] is None else figures[f"{key}_avg"] / Rating.YES) for key in BEHAVIOURS}
    return averages, {key: figures[f"{key}_n"] for key in BEHAVIOURS}


def coaching_page(agent: User, viewer: User) -> CoachingPage:
    """The coaching page of `agent` as `viewer` sees it. The caller has checked the viewer
    (queries.coaching_agent_for); reviews and examples are those of tickets the viewer may see.
    Strengths are the agent's best-rated behaviours, gaps the weakest (only those rated in at least one
    review, and a gap only below "yes" on average), each with the reviews that show it."""
    from caredesk.accounts import permissions

    teams = list(Team.objects.filter(memberships__user=agent).order_by("name"))
    seen = permissions.visible_reviews(viewer) & Q(ticket__in=Ticket.objects.filter(permissions.visible_tickets(viewer)))
    own = Review.objects.filter(seen, agent=agent)
    averages, counts = _averages(own)
    team_averages, _counts = _averages(Review.objects.filter(agent__memberships__team__in=teams).distinct()) if teams else ({}, {})
    behaviours = [
        Behaviour(key, str(label), averages[key], team_averages.get(key), counts[key]) for key, label in BEHAVIOURS.items()
    ]
    rated = [b for b in behaviours if b.average is not None]
    by_score = sorted(rated, key=lambda b: (-b.average, list(BEHAVIOURS).index(b.key)))
    strengths = [b for b in by_score[:STRENGTHS] if b.average > 0]
    gaps = [b for b in reversed(by_score[len(strengths):]) if b.average < 1][:STRENGTHS]
    recent = list(own.select_related("ticket", "reviewer").order_by("-created_at", "-id")[:50])
    for behaviour in strengths:
        behaviour.examples = [r for r in recent if getattr(r, behaviour.key) == Rating.YES][:EXAMPLES]
    for behaviour in gaps:
        behaviour.examples = [r for r in recent if getattr(r, behaviour.key) in (Rating.NO, Rating.PARTLY)][:EXAMPLES]
    totals = own.aggregate(
        n=Count("pk"), resolved=Count("pk", filter=Q(resolution=Review.Resolution.RESOLVED)),
        accurate=Count("pk", filter=Q(accurate=True)),
    )
    examples = list(
        TrainingExample.objects.filter(permissions.visible_training_examples(viewer), agent=agent)
        .select_related("message", "ticket")
        .prefetch_related("tags")[:TRAINING]
    )
    page = CoachingPage(
        agent=agent,
        teams=teams,
        review_count=totals["n"],
        behaviours=behaviours,
        strengths=strengths,
        gaps=gaps,
        resolved_share=totals["resolved"] / totals["n"] if totals["n"] else None,
        accurate_share=totals["accurate"] / totals["n"] if totals["n"] else None,
        training_examples=examples,
        recent_reviews=[r for r in recent if r.comment][:RECENT],
    )
    for section in SECTIONS:
        if (added := section(agent, viewer)) is not None:
            page.sections.append(added)
    return page


def standard_section(agent: User, viewer: User) -> tuple[str, str, dict] | None:
    """The agent's figures of the last 90 days against the care standard and their teams' figures
    (caredesk.reports, rolled up from the event log)."""
    from caredesk.reports import queries as reports

    team_ids = list(Team.objects.filter(memberships__user=agent).values_list("pk", flat=True))
    figures = reports.agent_figures(agent, team_ids, days=QUALITY_DAYS)
    if all(figure.shown == "–" for figure in figures):
        return None
    return _("Figures against our standard"), "coaching/_standard.html", {"figures": figures, "days": QUALITY_DAYS}


QUALITY_DAYS = 90  # reply scores are compared over this many days


def reply_quality_section(agent: User, viewer: User) -> tuple[str, str, dict] | None:
    """The agent's reply-quality scores per behaviour against their teams' (the live scorer's stored
    scores, caredesk.quality), and their best-scored replies the viewer may see."""
    from caredesk.accounts import permissions
    from caredesk.quality import queries as quality

    since = clock.now() - timedelta(days=QUALITY_DAYS)
    replies = quality.replies_scored(agent_id=agent.pk, since=since)
    if not replies:
        return None
    own = quality.average_scores(agent_id=agent.pk, since=since)
    team_ids = [team.pk for team in Team.objects.filter(memberships__user=agent)]
    team = quality.average_scores(team_ids=team_ids, since=since) if team_ids else {}
    rows = [(str(label), own[key], team.get(key)) for key, label in BEHAVIOURS.items()]
    best = quality.best_replies(agent.pk, limit=10)
    visible = set(
        Ticket.objects.filter(permissions.visible_tickets(viewer), pk__in=[m.ticket_id for m in best]).values_list("pk", flat=True)
    )
    best = [message for message in best if message.ticket_id in visible][:3]
    context = {"rows": rows, "replies": replies, "days": QUALITY_DAYS, "best": best}
    return _("Reply quality, scored as written"), "coaching/_reply_quality.html", context


SECTIONS = [standard_section, reply_quality_section]
