"""Reviews of conversations with a scorecard, the weekly sample of tickets to review, and the training
library of replies marked as good examples."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock

# The six behaviours of the care standard, in the order every page shows them. `polite` alone may be
# "not applicable": a reply that asks the customer to do nothing has no request to make politely.
BEHAVIOURS = {
    "warm": _("Warm"),
    "interested": _("Interested"),
    "willing": _("Willing"),
    "positive": _("Positive language"),
    "empathy": _("Empathy"),
    "polite": _("Polite requests"),
}


class Rating(models.IntegerChoices):
    """How far a behaviour was there. Stored 0-2 so that an average over reviews reads as a share
    (average / 2): 1.0 is "yes" every time."""

    NO = 0, _("No")
    PARTLY = 1, _("Partly")
    YES = 2, _("Yes")


class CoachingSettings(models.Model):
    """A team's weekly review sample. A team without a row samples with the defaults below."""

    DEFAULT_PER_AGENT = 2

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE, related_name="coaching_settings")
    sample_enabled = models.BooleanField(_("pick a weekly sample"), default=True)
    sample_per_agent = models.PositiveSmallIntegerField(
        _("tickets per agent per week"),
        default=DEFAULT_PER_AGENT,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name_plural = "coaching settings"

    def __str__(self) -> str:
        return f"coaching settings of {self.team}"


class Review(models.Model):
    """A lead's scorecard of one agent's work on one conversation (services.review), corrected by its
    reviewer or an admin (services.change_review); the ticket gets a REVIEWED event each time. The
    reviewed agent reads it on their coaching page."""

    class Resolution(models.TextChoices):
        RESOLVED = "resolved", _("Resolved right")
        PARTLY = "partly", _("Partly")
        NOT_RESOLVED = "no", _("Not resolved")

    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="reviews")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_received")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given")
    warm = models.PositiveSmallIntegerField(_("warm"), choices=Rating.choices)
    interested = models.PositiveSmallIntegerField(_("interested"), choices=Rating.choices)
    willing = models.PositiveSmallIntegerField(_("willing"), choices=Rating.choices)
    positive = models.PositiveSmallIntegerField(_("positive language"), choices=Rating.choices)
    empathy = models.PositiveSmallIntegerField(_("empathy"), choices=Rating.choices)
    # Empty: not applicable (the agent asked the customer to do nothing).
    polite = models.PositiveSmallIntegerField(_("polite requests"), choices=Rating.choices, null=True, blank=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=Resolution.choices)
    accurate = models.BooleanField(_("information correct"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=clock.now)
    changed_at = models.DateTimeField(null=True, blank=True)  # last corrected by its reviewer or an admin

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The coaching page: one agent's reviews, newest first (and their averages).
            models.Index(fields=["agent", "-created_at"], name="review_agent_created"),
            # The reviews list: the newest reviews of the teams a lead sees.
            models.Index(fields=["-created_at", "-id"], name="review_recent"),
        ]

    def __str__(self) -> str:
        return f"review of {self.agent} on #{self.ticket_id}"

    def get_absolute_url(self) -> str:
        return reverse("coaching:review", args=[self.pk])

    def ratings(self) -> list[tuple[str, str, int | None]]:
        """(key, label, rating) for each behaviour, in the standard's order."""
        return [(key, label, getattr(self, key)) for key, label in BEHAVIOURS.items()]


class SampleItem(models.Model):
    """One ticket picked for review in a week's sample: to review until a review of it is written."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="+")
    # The Monday of the week whose solved tickets were sampled.
    week = models.DateField()
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    picked_at = models.DateTimeField(default=clock.now)
    review = models.OneToOneField(Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="sample_item")

    class Meta:
        ordering = ["week", "agent_id", "ticket_id"]
        constraints = [
            # Sampling again for the same week never picks a ticket twice (services.pick_sample).
            models.UniqueConstraint(fields=["team", "week", "ticket"], name="sample_item_unique"),
        ]
        indexes = [
            # The reviews page: what still waits for review, per team.
            models.Index(fields=["team", "week"], condition=models.Q(review__isnull=True), name="sample_waiting"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} for {self.agent} (week of {self.week})"


class SituationTag(models.Model):
    """A situation a training example shows how to handle: "refund", "late delivery", "angry customer"."""

    name = models.CharField(_("name"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrainingExample(models.Model):
    """An agent's public reply a lead marked as a good example, with the situations it shows and why it
    is good. Searched in the library over `search_text` (see library.py)."""

    message = models.OneToOneField("conversations.Message", on_delete=models.CASCADE, related_name="training_example")
    ticket = models.ForeignKey("conversations.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_examples")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("why it is good"))
    tags = models.ManyToManyField(SituationTag, related_name="examples", blank=True)
    # The reply's text, the note and the tags in one column: what full-text search indexes (FTS5 on
    # SQLite, a GIN index on its tsvector on PostgreSQL; migration 0001).
    search_text = models.TextField(default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The library and the coaching page list examples newest first (the latter per agent).
            models.Index(fields=["-created_at", "-id"], name="example_recent"),
            models.Index(fields=["agent", "-created_at"], name="example_agent_created"),
        ]

    def __str__(self) -> str:
        return f"training example from #{self.ticket_id}"
