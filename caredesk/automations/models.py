"""Automation rules and the record of every time one was applied to a ticket."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class Rule(models.Model):
    """If these conditions hold for a ticket (when one of `event_kinds` happens to it, or, for a time
    rule, whenever the sweep looks), do these actions. Conditions and actions are JSON lists checked by
    rules.validate() on every save: [{"field", "op", "value"}] and [{"action", "value"}]."""

    class Kind(models.TextChoices):
        ON_EVENT = "on_event", _("When something happens to a ticket")
        ON_TIME = "on_time", _("On a schedule (time-based)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What the rule is for. Notices it sends include it.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0, help_text=_("Rules run in this order."))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ON_EVENT)
    event_kinds = models.JSONField(_("runs when"), default=list, blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    # Kept in step with RuleRun rows in the same transaction, so the list page reads no runs at all.
    applied_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("automations:rule", args=[self.pk])

    @property
    def is_time_rule(self) -> bool:
        return self.kind == self.Kind.ON_TIME


class RuleRun(models.Model):
    """One application of a rule to a ticket: what each action did or why it failed. Also the guard of
    time rules: a time rule applies once per ticket per `since` (the ticket's last status change)."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        FAILED = "failed", _("an action failed")
        SKIPPED = "skipped", _("skipped (too many runs on the ticket)")

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="runs", db_index=False)
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    event = models.ForeignKey("conversations.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=clock.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPLIED)
    # [{"action", "value", "done": "what happened" | "", "error": "why not" | ""}]
    actions = models.JSONField(default=list, blank=True)
    # The rules whose actions led to the event this run reacted to (the loop guard), this one last.
    chain = models.JSONField(default=list, blank=True)
    since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            # The rule page lists the rule's latest runs.
            models.Index(fields=["rule", "-at"], name="rulerun_rule_recent"),
            # The per-ticket cap counts a ticket's runs of the last minute.
            models.Index(fields=["ticket", "at"], name="rulerun_ticket_at"),
        ]
        constraints = [
            # The time-rule guard (read by the sweep's NOT EXISTS): once per ticket per status period.
            # Event runs have no `since`, and NULLs never clash.
            models.UniqueConstraint(fields=["rule", "ticket", "since"], name="rulerun_once_per_status"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} on #{self.ticket_id} at {self.at:%Y-%m-%d %H:%M}"
