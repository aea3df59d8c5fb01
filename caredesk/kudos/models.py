"""Compliments: a customer's praise, and the person on the desk it is for."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class Kudos(models.Model):
    """One compliment for one person. Found in a customer's message (routing.route_message: one row per
    message and person, so routing twice adds nothing) or logged by staff from a call, a visit or social
    media. The team is the wall it shows on: the ticket's team, else the team the logger chose."""

    class Source(models.TextChoices):
        EMAIL = "email", _("Email")
        WEB = "web", _("Web or portal")
        PHONE = "phone", _("Phone")
        IN_PERSON = "in_person", _("In person")
        SOCIAL = "social", _("Social media")
        OTHER = "other", _("Other")

    class Match(models.TextChoices):
        NAMED = "named", _("Named by the customer")
        WORKED = "worked", _("Replied on the ticket")
        LOGGED = "logged", _("Logged by staff")

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="kudos", db_index=False)
    ticket = models.ForeignKey(
        "conversations.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="kudos"
    )
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="kudos", db_index=False
    )
    text = models.TextField(_("what was said"))
    source = models.CharField(_("channel"), max_length=10, choices=Source.choices)
    match = models.CharField(max_length=10, choices=Match.choices)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name_plural = "kudos"
        ordering = ["-at", "-id"]
        constraints = [
            # Routing a message twice (a retried task) finds the row it made the first time.
            models.UniqueConstraint(
                fields=["message", "person"], condition=models.Q(message__isnull=False), name="kudos_once_per_message"
            ),
        ]
        indexes = [
            # The wall: one team's compliments, newest first.
            models.Index(fields=["team", "-at", "-id"], name="kudos_team_at"),
            # The person page and the wall's "You: 12 compliments".
            models.Index(fields=["person", "-at", "-id"], name="kudos_person_at"),
        ]

    def __str__(self) -> str:
        return f"Compliment for {self.person} ({self.at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("kudos:person", args=[self.person_id]) + f"#kudos-{self.pk}"
