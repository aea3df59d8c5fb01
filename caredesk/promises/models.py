"""Promises made to a customer on a ticket: what, by when, and who answers for keeping it."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock


class Promise(models.Model):
    """One commitment to the customer. Open until someone marks it kept, cancels it, or its due time
    passes (the sweep then marks it broken). Every change of state is also an event on the ticket."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        KEPT = "kept", _("Kept")
        BROKEN = "broken", _("Broken")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        DETECTED = "detected", _("Found in a reply")

    ticket = models.ForeignKey(
        "conversations.Ticket", on_delete=models.CASCADE, related_name="promises", db_index=False
    )
    what = models.CharField(_("what"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="promises")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(default=clock.now)
    # When the owner is reminded: 80% of the way from made_at to due_at (services.remind_time).
    remind_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    kept_at = models.DateTimeField(null=True, blank=True)
    broken_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The reply the promise was made in, once it is sent (a promise recorded from the composer is made
    # before its reply exists; services.link_reply joins them).
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="promises"
    )
    # The sentence of the reply it was found in (source=detected), for linking and for the record.
    sentence = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            # The ticket page and the portal list one ticket's promises, soonest due first.
            models.Index(fields=["ticket", "due_at"], name="promise_ticket_due"),
            # The sweep: open promises past their due time.
            models.Index(fields=["due_at"], condition=models.Q(state="open"), name="promise_open_due"),
            # The sweep: open promises whose owner has not been reminded yet.
            models.Index(
                fields=["remind_at"],
                condition=models.Q(state="open", reminded_at__isnull=True),
                name="promise_open_remind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.what} (#{self.ticket_id}, due {self.due_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("conversations:ticket", args=[self.ticket_id]) + f"#promise-{self.pk}"

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN
