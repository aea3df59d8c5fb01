"""Service targets: policies admins define (how fast, for which tickets) and the target clocks each
ticket runs against them. Clocks count business time (calendars.business_time) and are driven by the
ticket's events (engine.py); the sweep (sweep.py) marks them at risk and breached."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class Policy(models.Model):
    """How fast tickets matching its conditions must be answered and resolved. Policies are tried in
    `position` order; the first enabled one whose conditions all hold is the ticket's policy.
    An empty condition matches any ticket."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    # Conditions.
    priorities = models.JSONField(_("priorities"), default=list, blank=True)  # Ticket.Priority values
    teams = models.ManyToManyField("accounts.Team", blank=True, related_name="service_policies")
    channels = models.JSONField(_("channels"), default=list, blank=True)  # Ticket.Channel values
    organisation_tiers = models.JSONField(_("organisation tiers"), default=list, blank=True)
    customer_tiers = models.JSONField(_("customer tiers"), default=list, blank=True)
    # Targets, in business minutes; empty: no such target.
    first_reply_minutes = models.PositiveIntegerField(_("first reply"), null=True, blank=True)
    next_reply_minutes = models.PositiveIntegerField(_("next reply"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution"), null=True, blank=True)
    pause_when_pending_customer = models.BooleanField(_("pause while pending customer"), default=True)
    pause_when_on_hold = models.BooleanField(_("pause while on hold"), default=True)
    at_risk_share = models.FloatField(_("at risk after this share of the time"), default=0.75)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return self.name

    def minutes_for(self, kind: str) -> int | None:
        return getattr(self, f"{kind}_minutes")

    def pauses_in(self, status: str) -> bool:
        return (status == "pending_customer" and self.pause_when_pending_customer) or (
            status == "on_hold" and self.pause_when_on_hold
        )


class Target(models.Model):
    """One clock of one ticket: "first reply within 1h of business time", started when the ticket was
    opened. While running, `due_at` is when it breaches; paused, `used_before_pause` keeps the business
    time already used and resuming computes a new `due_at` from what is left. `ended_at` is set when the
    target no longer waits for anything (met, stopped, or a breached one finally answered)."""

    class Kind(models.TextChoices):
        FIRST_REPLY = "first_reply", _("First reply")
        NEXT_REPLY = "next_reply", _("Next reply")
        RESOLUTION = "resolution", _("Resolution")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        MET = "met", _("Met")
        BREACHED = "breached", _("Breached")
        STOPPED = "stopped", _("Stopped")  # the ticket was solved before this one was needed

    ticket = models.ForeignKey(
        "conversations.Ticket", on_delete=models.CASCADE, related_name="service_targets", db_index=False
    )
    # No index: every index here is rewritten by each sweep UPDATE (state is in the partial indexes'
    # conditions), and the only reader by policy is deleting one, which is rare.
    policy = models.ForeignKey(Policy, null=True, on_delete=models.SET_NULL, related_name="targets", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    business_minutes = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    at_risk_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    used_before_pause = models.DurationField(default=timedelta(0))
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    at_risk = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["started_at", "pk"]
        indexes = [
            # The sweep's only access paths: running clocks by due time, and by at-risk time until flagged.
            models.Index(fields=["due_at"], condition=models.Q(state="running"), name="target_running_due"),
            models.Index(
                fields=["at_risk_at"],
                condition=models.Q(state="running", at_risk=False),
                name="target_running_at_risk",
            ),
            # The queue's "at risk" mark (queries.at_risk_annotation): a few running clocks past their
            # at-risk share, probed per row shown. Without it the probe scanned every target (158 ms at 10^6).
            models.Index(
                fields=["ticket"], condition=models.Q(state="running", at_risk=True), name="target_at_risk_ticket"
            ),
            # The event engine and the ticket sidebar read one ticket's targets.
            models.Index(fields=["ticket", "ended_at"], name="target_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id} ({self.state})"

    @property
    def total(self) -> timedelta:
        return timedelta(minutes=self.business_minutes)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
