"""The care standard, and the figures rolled up from the event log for the dashboards.

Figures are kept in four tables, all derived from conversations.Event and rebuilt from it by
`caredesk reports rebuild` (rollup.py):
- TicketState: what the rollup needs to remember about each ticket between its events (when it was
  created, who owns it, whether a customer message waits for an answer).
- Measurement: one measured fact about one ticket (a first reply took 42 business minutes; a promise was
  kept; the ticket joined the backlog), the rows a drill-down lists.
- DailyFigure: the measurements summed per day, team, agent, channel and metric: what the dashboard reads;
  MonthlyFigure: the same per month, for long periods.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class CareStandard(models.Model):
    """What "very good" means here: one row, a goal per metric (standard.METRICS names them).

    `goals` is {metric: {"value": number, "direction": "at_least" | "at_most"}}; a metric left out has
    no goal. Read it through standard.current_standard(), which fills in the defaults."""

    goals = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("care standard")

    def __str__(self) -> str:
        return str(_("Care standard"))


class TicketState(models.Model):
    """The rollup's memory of one ticket, as of the last event it folded in."""

    ticket = models.OneToOneField(
        "conversations.Ticket", primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    team_id = models.IntegerField(default=0)
    owner_id = models.IntegerField(default=0)  # 0: nobody
    channel = models.CharField(max_length=10, default="")
    created_at = models.DateTimeField()
    first_reply_at = models.DateTimeField(null=True, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)  # a customer message not yet answered
    is_open = models.BooleanField(default=True)
    transfers = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"state of #{self.ticket_id}"


class Measurement(models.Model):
    """One measured fact about one ticket. (ticket, metric, key) is unique: a later fact with the same
    key replaces the earlier one (a changed survey answer, a ticket solved again)."""

    ticket = models.ForeignKey(
        "conversations.Ticket", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    metric = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    day = models.DateField()
    team_id = models.IntegerField()
    agent_id = models.IntegerField()  # 0: nobody (the desk itself, or an unowned ticket)
    channel = models.CharField(max_length=10)
    count = models.IntegerField()
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "metric", "key"], name="measurement_unique")]
        indexes = [
            # The drill-down lists one metric's facts over a date range, newest first.
            models.Index(fields=["metric", "day", "id"], name="measurement_metric_day"),
        ]

    def __str__(self) -> str:
        return f"{self.metric} of #{self.ticket_id} on {self.day}"


class Figure(models.Model):
    """Measurements summed per period, team, agent, channel and metric (the dashboards read only these)."""

    day = models.DateField()
    team_id = models.IntegerField()
    agent_id = models.IntegerField()
    channel = models.CharField(max_length=10)
    metric = models.CharField(max_length=20)
    count = models.BigIntegerField(default=0)
    total = models.FloatField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.metric} {self.day} team {self.team_id} agent {self.agent_id} {self.channel}"


def _figure_keys(table: str) -> tuple[list, list]:
    """The unique key and the indexes of a figures table (the names carry the table's)."""
    unique = [models.UniqueConstraint(fields=["day", "team_id", "agent_id", "channel", "metric"], name=f"{table}_unique")]
    indexes = [
        # The dashboard sums a date range, optionally for one team or agent.
        models.Index(fields=["day", "metric"], name=f"{table}_day_metric"),
        models.Index(fields=["team_id", "day"], name=f"{table}_team_day"),
        models.Index(fields=["agent_id", "day"], name=f"{table}_agent_day"),
    ]
    return unique, indexes


class DailyFigure(Figure):
    """Measurements summed per day."""

    class Meta:
        constraints, indexes = _figure_keys("dailyfigure")


class MonthlyFigure(Figure):
    """The daily figures summed per month; `day` is the month's first day. A long period reads its whole
    months here and only the days at its edges from DailyFigure: a year is 12 rows per series, not 365."""

    class Meta:
        constraints, indexes = _figure_keys("monthlyfigure")
