"""Email templates admins have edited: one default per kind, and per team where a team words it its own
way (or switches its acknowledgements off)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .defaults import Kind


class EmailTemplate(models.Model):
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # Empty: the wording for every team without one of its own.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="email_templates",
        help_text=_("Leave empty for the wording every team uses unless it has its own."),
    )
    enabled = models.BooleanField(
        default=True, help_text=_("Switched off, this email is not sent (for this team, or for every team).")
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "team"], name="one_template_per_kind_and_team"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(team__isnull=True), name="one_default_template_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.team or _('every team')})"
