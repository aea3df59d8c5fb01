"""Reads on surveys, shaped for a page: permission-checked fetches and the response-rates figures.

The rates read Survey rows of one period (at most 90 days) through the covering index
survey_sent_team_kind, grouped in the database: one query for every figure, one for the comments,
however many tickets the desk holds.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import caches
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.accounts.models import User
from caredesk.conversations import queries as conversations
from caredesk.system import clock

from .models import SCORES, FollowUp, Kind, Scale, Survey

PERIODS = (7, 30, 90)
LATEST_COMMENTS = 10
FOLLOW_UPS_PAGE = 50
NAV_COUNT_LIMIT = 99
NAV_COUNT_FOR = 30  # seconds


def leads_of(team_id: int) -> QuerySet:
    """Active leads of a team who have an email address (who a follow-up goes to)."""
    return User.objects.filter(
        memberships__team_id=team_id, role=User.Role.LEAD, is_active=True
    ).exclude(email="").order_by("pk")


def of_ticket(ticket) -> list[Survey]:
    """The surveys of the ticket's latest solve (the portal shows those)."""
    surveys = list(Survey.objects.filter(ticket=ticket).order_by("-solve_event_id", "id"))
    return [s for s in surveys if s.solve_event_id == surveys[0].solve_event_id] if surveys else []


def survey_for_customer(user, survey_id: int) -> Survey:
    """A survey the customer may answer in the portal; anyone else's is 404."""
    survey = get_object_or_404(Survey.objects.select_related("ticket__customer", "ticket__team"), pk=survey_id)
    if not permissions.can_answer_survey(user, survey.ticket):
        raise Http404
    return survey


# Follow-ups -------------------------------------------------------------------------------------


def follow_ups(user, *, state: str = FollowUp.State.OPEN) -> list[FollowUp]:
    """The newest follow-ups `user` may see, one page, with their survey, ticket, customer and team."""
    rows = FollowUp.objects.filter(permissions.visible_follow_ups(user))
    if state in FollowUp.State.values:
        rows = rows.filter(state=state)
    return list(
        rows.select_related("survey", "ticket__customer", "team", "handled_by").order_by("-created_at", "-id")[
            :FOLLOW_UPS_PAGE
        ]
    )


def follow_up_for(user, follow_up_id: int) -> FollowUp:
    """A follow-up `user` may see (else 404). Handling it is checked by permissions.can_handle_follow_up."""
    return get_object_or_404(
        FollowUp.objects.filter(permissions.visible_follow_ups(user)).select_related("survey", "ticket__customer", "team"),
        pk=follow_up_id,
    )


def open_follow_up_count(user) -> int:
    """Open follow-ups waiting for `user`, counted up to NAV_COUNT_LIMIT + 1 (the nav says "99+") over the
    open-follow-ups index, remembered NAV_COUNT_FOR seconds per person (per process), as the
    escalations link does: the nav is on every page."""
    if not permissions.can_see_survey_rates(user):
        return 0
    key, cache = f"survey-follow-ups:{user.pk}", caches["local"]
    count = cache.get(key)
    if count is None:
        ids = FollowUp.objects.filter(permissions.visible_follow_ups(user), state=FollowUp.State.OPEN).values("pk")
        count = ids[: NAV_COUNT_LIMIT + 1].count()
        cache.set(key, count, NAV_COUNT_FOR)
    return count


def forget_count(user) -> None:
    """Count afresh on the next page (after `user` handled a follow-up)."""
    caches["local"].delete(f"survey-follow-ups:{user.pk}")


# Response rates ---------------------------------------------------------------------------------


@dataclass
class Figures:
    kind: str
    label: str
    scale: str
    sent: int = 0
    answered: int = 0
    total: int = 0
    distribution: dict = field(default_factory=dict)  # score -> answers

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def average(self) -> float | None:
        return self.total / self.answered if self.answered else None

    @property
    def bars(self) -> list[dict]:
        """Each score with its count and share of the answers, lowest score first."""
        most = max(self.distribution.values(), default=0)
        return [
            {
                "score": score,
                "label": ("Good" if score else "Bad") if self.scale == Scale.GOOD_BAD else str(score),
                "count": self.distribution.get(score, 0),
                "share": self.distribution.get(score, 0) / self.answered if self.answered else 0,
                "width": round(100 * self.distribution.get(score, 0) / most) if most else 0,
            }
            for score in SCORES[Scale(self.scale)]
        ]

    @property
    def headline(self) -> str:
        """CSAT: share of good answers (top two of 1-5); CES: average; NPS: promoters minus detractors."""
        if not self.answered:
            return "–"
        d = self.distribution
        if self.kind == Kind.NPS:
            promoters = sum(n for s, n in d.items() if s >= 9)
            detractors = sum(n for s, n in d.items() if s <= 6)
            return f"{round(100 * (promoters - detractors) / self.answered):+d}"
        if self.kind == Kind.CSAT:
            good = sum(n for s, n in d.items() if (s == 1 if self.scale == Scale.GOOD_BAD else s >= 4))
            return f"{round(100 * good / self.answered)}%"
        return f"{self.average:.1f}"


def rate_teams(user) -> list:
    """Teams on the rates page's filter: those `user` may see."""
    return conversations.teams_for(user)


def rates(user, *, team=None, days: int = 30, teams: list | None = None) -> dict:
    """Sent, answered, rate, average and distribution per kind (and scale), plus the latest comments,
    for surveys sent in the last `days` days to teams `user` may see (or one of them)."""
    if days not in PERIODS:
        days = 30
    since = clock.now() - timedelta(days=days)
    teams = [team] if team is not None else (rate_teams(user) if teams is None else teams)
    scope = Q(team__in=teams) if not permissions.is_admin(user) or team is not None else Q()
    rows = (
        Survey.objects.filter(scope, sent_at__gte=since)
        .values("team_id", "kind", "scale", "score")
        .annotate(n=Count("id"))
        .order_by()
    )
    figures: dict[tuple, Figures] = {}
    by_team: dict[tuple, Figures] = {}
    for row in rows:
        # The same rows, summed per team and kind, for the table under the cards.
        per_team = by_team.setdefault(
            (row["team_id"], row["kind"], row["scale"]), Figures(row["kind"], Kind(row["kind"]).label, row["scale"])
        )
        per_team.sent += row["n"]
        if row["score"] is not None:
            per_team.answered += row["n"]
            per_team.total += row["score"] * row["n"]
            per_team.distribution[row["score"]] = per_team.distribution.get(row["score"], 0) + row["n"]
        key = (row["kind"], row["scale"])
        fig = figures.setdefault(key, Figures(row["kind"], Kind(row["kind"]).label, row["scale"]))
        fig.sent += row["n"]
        if row["score"] is not None:
            fig.answered += row["n"]
            fig.total += row["score"] * row["n"]
            fig.distribution[row["score"]] = fig.distribution.get(row["score"], 0) + row["n"]
    order = {Kind.CSAT: 0, Kind.CES: 1, Kind.NPS: 2}
    comments = list(
        Survey.objects.filter(scope, answered_at__gte=since)
        .exclude(comment="")
        .select_related("ticket", "team")
        .order_by("-answered_at", "-id")[:LATEST_COMMENTS]
    )
    names = {t.pk: t.name for t in teams}
    team_rows = [
        {"team": names.get(team_id, "–"), "figures": fig}
        for (team_id, _kind, _scale), fig in sorted(
            by_team.items(), key=lambda item: (names.get(item[0][0], ""), order[item[0][1]], item[0][2])
        )
    ]
    return {
        "figures": sorted(figures.values(), key=lambda f: (order[f.kind], f.scale)),
        "team_rows": team_rows,
        "comments": comments,
        "since": since,
        "days": days,
    }
