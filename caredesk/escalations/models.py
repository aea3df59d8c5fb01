"""Escalation ladders per team, and the escalations raised on tickets.

A ladder has two levels: level 1 is always the team's leads (admins when the team has none); level 2 is
a named escalation team and/or a manager. An escalation stays open, on the board, until someone at its
level records a resolution or de-escalates it with a note; climbing one level closes the row below
(state CLIMBED) and opens a new one pointing back at it, so the chain is the history.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock

TOP_LEVEL = 2
DEFAULT_DELAY_MINUTES = 60


class Ladder(models.Model):
    """Where a team's tickets go when they are escalated, and how fast automatic ones climb."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, related_name="escalation_ladder", verbose_name=_("team")
    )
    escalation_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("level 2: escalation team"),
        help_text=_("Its agents and leads take level 2 escalations."),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("level 2: manager"),
        help_text=_("Takes level 2 escalations (with the escalation team, if there is one)."),
    )
    auto_escalate_after_minutes = models.PositiveIntegerField(
        _("climb after (minutes)"),
        default=DEFAULT_DELAY_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(60 * 24 * 30)],
        help_text=_("An automatic escalation nobody has resolved climbs one level after this long."),
    )
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["team__name"]

    def __str__(self) -> str:
        return f"escalation ladder of {self.team}"

    @property
    def top_level(self) -> int:
        return TOP_LEVEL if (self.escalation_team_id or self.manager_id) else 1


class Escalation(models.Model):
    """One level of one escalation of a ticket. At most one is open per ticket."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DE_ESCALATED = "de_escalated", _("De-escalated")
        CLIMBED = "climbed", _("Climbed to the next level")

    class Cause(models.TextChoices):
        MANUAL = "manual", _("Raised by a person")
        TARGET_BREACHED = "target_breached", _("Service target breached")
        PROMISE_BROKEN = "promise_broken", _("Promise broken")

    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="escalations")
    # The team whose ladder it climbs: the ticket's team when it was first escalated.
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"))
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(default=clock.now)
    automatic = models.BooleanField(default=False)
    cause = models.CharField(max_length=20, choices=Cause.choices, default=Cause.MANUAL)
    # The id of the breached target or broken promise (in their apps), for a cause other than manual.
    cause_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_levels"
    )
    # When an automatic escalation climbs if still open; empty for manual ones and at the top.
    climb_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            # Also the index of "the open escalation of this ticket" (the banner and the status guard).
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(state="open"), name="escalation_one_open_per_ticket"
            ),
            models.CheckConstraint(condition=models.Q(level__in=[1, 2]), name="escalation_level_1_or_2"),
        ]
        indexes = [
            # The board: open escalations, oldest first.
            models.Index(fields=["raised_at", "id"], condition=models.Q(state="open"), name="escalation_open_oldest"),
            # climb_escalations: open automatic escalations whose delay has run out.
            models.Index(
                fields=["climb_at"],
                condition=models.Q(state="open", climb_at__isnull=False),
                name="escalation_open_climb",
            ),
        ]

    def __str__(self) -> str:
        return f"level {self.level} escalation of #{self.ticket_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
