"""Stored reply scores: one row per public agent reply, written once by the score_reply task."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

BEHAVIOURS = ("warm", "interested", "willing", "positive", "empathy", "polite")


class ReplyScore(models.Model):
    """The six behaviour scores of one sent reply (0..1; polite null when the reply asks nothing), with
    the words behind them. Reports and coaching read these through queries.py; the ticket timeline shows
    them to staff."""

    message = models.OneToOneField("conversations.Message", on_delete=models.CASCADE, related_name="quality_score")
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+", db_index=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The ticket's team when the reply was sent: reports by team stay true after a transfer.
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+", db_index=False)
    at = models.DateTimeField(help_text=_("When the reply was sent."))
    warm = models.FloatField()
    interested = models.FloatField()
    willing = models.FloatField()
    positive = models.FloatField()
    empathy = models.FloatField()
    polite = models.FloatField(null=True, blank=True)
    # Per behaviour: {"spans": [...], "suggestion": "..."} as the scorer gave them.
    details = models.JSONField(default=dict, blank=True)
    # Which weights scored it (a hash of weights.json), so a retrained scorer can rescore old replies.
    scorer = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [
            # Coaching and reports: one agent's replies over a period; best replies.
            models.Index(fields=["agent", "at"], name="replyscore_agent_at"),
            # Reports: one team's replies over a period.
            models.Index(fields=["team", "at"], name="replyscore_team_at"),
            # Reports for the whole desk over a period.
            models.Index(fields=["at"], name="replyscore_at"),
        ]

    def __str__(self) -> str:
        return f"Scores of message {self.message_id}"

    def scores(self) -> dict[str, float | None]:
        return {behaviour: getattr(self, behaviour) for behaviour in BEHAVIOURS}
