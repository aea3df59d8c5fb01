"""Customer surveys: what is asked after a ticket is solved (per team), each survey sent, and the
follow-ups a low score opens for the team's leads."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class Kind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (CSAT)")
    CES = "ces", _("Effort (CES)")
    NPS = "nps", _("Recommendation (NPS)")


class Scale(models.TextChoices):
    GOOD_BAD = "good_bad", _("Good or bad")
    ONE_TO_FIVE = "1-5", _("1 to 5")
    ONE_TO_SEVEN = "1-7", _("1 to 7")
    ZERO_TO_TEN = "0-10", _("0 to 10")


# The scores each scale allows, lowest first. Good/bad is 0 (bad) or 1 (good).
SCORES = {
    Scale.GOOD_BAD: (0, 1),
    Scale.ONE_TO_FIVE: (1, 2, 3, 4, 5),
    Scale.ONE_TO_SEVEN: (1, 2, 3, 4, 5, 6, 7),
    Scale.ZERO_TO_TEN: tuple(range(11)),
}


class SurveySettings(models.Model):
    """Which surveys a team's solved tickets get, when, and how. The row without a team is the default
    for every team that has none of its own (as notifications.EmailTemplate does)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PORTAL = "portal", _("Portal only")
        BOTH = "both", _("Email and portal")

    class CsatScale(models.TextChoices):
        GOOD_BAD = Scale.GOOD_BAD.value, _("Good or bad")
        ONE_TO_FIVE = Scale.ONE_TO_FIVE.value, _("1 to 5")

    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    enabled = models.BooleanField(_("send surveys"), default=True)
    csat = models.BooleanField(_("ask for satisfaction (CSAT)"), default=True)
    csat_scale = models.CharField(_("CSAT scale"), max_length=10, choices=CsatScale.choices, default=CsatScale.GOOD_BAD)
    ces = models.BooleanField(_("ask for effort (CES, 1 to 7)"), default=False)
    nps = models.BooleanField(_("ask for recommendation (NPS, 0 to 10)"), default=False)
    delay_hours = models.PositiveIntegerField(
        _("delay after solving (hours)"), default=24, validators=[MaxValueValidator(24 * 30)]
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.BOTH)
    change_days = models.PositiveIntegerField(
        _("answers can be changed for (days)"), default=7, validators=[MinValueValidator(0), MaxValueValidator(90)]
    )
    # An answer at or below these opens a follow-up for the team's leads.
    csat_low = models.PositiveSmallIntegerField(_("low CSAT at or below"), default=2)
    ces_low = models.PositiveSmallIntegerField(_("low CES at or below"), default=3)
    nps_low = models.PositiveSmallIntegerField(_("low NPS at or below"), default=6)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "survey settings"
        constraints = [
            # One row per team, and one default (team empty, counted as team 0).
            models.UniqueConstraint(Coalesce("team", Value(0)), name="survey_settings_one_per_team"),
        ]

    def __str__(self) -> str:
        return f"Surveys for {self.team or 'every team'}"

    def kinds(self) -> list[tuple[str, str]]:
        """(kind, scale) of each survey asked, in the order the email asks them."""
        if not self.enabled:
            return []
        asked = []
        if self.csat:
            asked.append((Kind.CSAT, self.csat_scale))
        if self.ces:
            asked.append((Kind.CES, Scale.ONE_TO_SEVEN))
        if self.nps:
            asked.append((Kind.NPS, Scale.ZERO_TO_TEN))
        return asked

    def low_threshold(self, kind: str, scale: str) -> int:
        if kind == Kind.CSAT and scale == Scale.GOOD_BAD:
            return 0  # only "bad" is low on a good/bad scale
        return {Kind.CSAT: self.csat_low, Kind.CES: self.ces_low, Kind.NPS: self.nps_low}[kind]


class Survey(models.Model):
    """One question put to a customer about one solve of their ticket. Answered (and changed) through a
    signed link or the portal until `changeable_until`; each answer is also a SURVEY_ANSWERED event."""

    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="surveys", db_index=False)
    # The team when it was sent: the response-rates page reads by team and period.
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL, related_name="+", db_index=False)
    # The STATUS_CHANGED event of the solve it asks about: one survey of a kind per solve.
    solve_event_id = models.BigIntegerField()
    kind = models.CharField(max_length=5, choices=Kind.choices)
    scale = models.CharField(max_length=10, choices=Scale.choices)
    channel = models.CharField(max_length=10, choices=SurveySettings.Channel.choices)
    sent_at = models.DateTimeField(default=clock.now)
    changeable_until = models.DateTimeField()
    low_threshold = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "solve_event_id", "kind"], name="one_survey_per_solve_and_kind"),
        ]
        indexes = [
            # The ticket and the portal show one ticket's surveys.
            models.Index(fields=["ticket", "sent_at"], name="survey_ticket_sent"),
            # The response-rates page: surveys sent in a period, counted by team, kind and score (covering).
            models.Index(fields=["sent_at", "team", "kind", "scale", "score"], name="survey_sent_team_kind"),
            # The latest comments on the response-rates page.
            models.Index(fields=["answered_at"], condition=~models.Q(comment=""), name="survey_commented"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    @property
    def scores(self) -> tuple[int, ...]:
        return SCORES[Scale(self.scale)]

    @property
    def answered(self) -> bool:
        return self.score is not None

    @property
    def is_low(self) -> bool:
        return self.score is not None and self.score <= self.low_threshold

    def can_change(self, now=None) -> bool:
        return (now or clock.now()) <= self.changeable_until

    def score_label(self, score: int | None = None) -> str:
        score = self.score if score is None else score
        if score is None:
            return ""
        if self.scale == Scale.GOOD_BAD:
            return str(_("Good") if score else _("Bad"))
        return f"{score}/{self.scores[-1]}"


class FollowUp(models.Model):
    """A low answer for the team's leads to look into; open until a lead marks it handled with a note."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        HANDLED = "handled", _("Handled")

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="follow_up")
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.PositiveSmallIntegerField()  # the low score that opened it; the survey keeps the latest
    created_at = models.DateTimeField(default=clock.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The follow-ups page and the nav count: a team's open ones, newest first.
            models.Index(fields=["team", "-created_at"], condition=models.Q(state="open"), name="followup_open_team"),
            models.Index(fields=["team", "-created_at"], name="followup_team_created"),
        ]

    def __str__(self) -> str:
        return f"Follow-up of {self.survey}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
