"""How each team's new tickets find an owner, and whether each agent is there to take one.

A team routes its queue in one of three ways (TeamRouting.mode): by hand (tickets wait in the queue
until someone takes them), round-robin (the next available agent after the last one given a ticket),
or least-loaded (the available agent with the smallest share of their capacity in use). Only agents
who are available (AgentStatus.status) and, unless the team says otherwise, within their working hours
are given tickets, and never beyond their capacity of open tickets.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.calendars import business_time
from caredesk.system import clock

DEFAULT_CAPACITY = 10
MAX_CAPACITY = 500


class TeamRouting(models.Model):
    """One team's routing rule. A team without a row routes by hand."""

    class Mode(models.TextChoices):
        MANUAL = "manual", _("Manual: tickets wait in the queue")
        ROUND_ROBIN = "round_robin", _("Round-robin: each available agent in turn")
        LEAST_LOADED = "least_loaded", _("Least-loaded: the agent with most room")

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="routing")
    mode = models.CharField(_("routing"), max_length=20, choices=Mode.choices, default=Mode.MANUAL)
    # The round-robin pointer: the next ticket goes to the first available agent after this one (by id).
    last_assigned = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    only_when_working = models.BooleanField(
        _("only within working hours"),
        default=True,
        help_text=_("Give tickets only to agents inside their working hours (their own, else the team's calendar)."),
    )
    max_open_default = models.PositiveIntegerField(
        _("default capacity"),
        default=DEFAULT_CAPACITY,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("Open tickets an agent of this team holds at most, unless their own capacity is set."),
    )
    updated_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.team}: {self.get_mode_display()}"

    @property
    def is_automatic(self) -> bool:
        return self.mode != self.Mode.MANUAL


class AgentStatus(models.Model):
    """Whether an agent takes new tickets now, and how many open ones they hold at most.

    An agent without a row is available, with their team's default capacity and the team's hours."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_status")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE)
    changed_at = models.DateTimeField(_("status changed"), default=clock.now)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("Open tickets this agent holds at most, across their teams. Empty: the team's default."),
    )
    hours = models.TextField(
        _("own working hours"),
        blank=True,
        help_text=_("E.g. 'mon-wed 08:00-14:00', in the team calendar's time zone. Empty: the team's hours."),
    )
    # Least-loaded routing breaks ties in favour of whoever has waited longest for a ticket.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "agent statuses"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_status_display()}"

    def clean(self):
        if self.hours.strip():
            try:
                business_time.parse_hours(self.hours)
            except business_time.CalendarError as error:
                raise ValidationError({"hours": str(error)}) from None
