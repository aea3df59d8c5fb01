"""Tickets, their messages, and the append-only log of everything that happened to them."""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock

OPEN_STATUSES = ("new", "open", "pending_customer", "on_hold")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:  # a value the code no longer knows shows as it is stored
        return value


def filled_only(field: str, name: str) -> models.Index:
    """An index of the rows where `field` is set. A query for `field = x` (or IN) can use it on both
    databases, since it implies the field is set."""
    return models.Index(fields=[field], condition=models.Q(**{f"{field}__isnull": False}), name=name)


class Ticket(models.Model):
    """One customer's case. Exactly one accountable owner: an agent, or (owner empty) the team's queue."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING_CUSTOMER = "pending_customer", _("Pending customer")
        ON_HOLD = "on_hold", _("On hold")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.IntegerChoices):
        LOW = 1, _("Low")
        NORMAL = 2, _("Normal")
        HIGH = 3, _("High")
        URGENT = 4, _("Urgent")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEB = "web", _("Web form")
        PORTAL = "portal", _("Portal")
        PHONE = "phone", _("Phone")
        API = "api", _("API")

    subject = models.CharField(_("subject"), max_length=255)
    # Indexed by ticket_customer_created (customer first), as are message and event by ticket: a
    # second index on the same leading column only slows every write.
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets", db_index=False
    )
    # Foreign keys that most rows leave empty are indexed only where set (filled_only): every query by
    # them asks for a value, and the empty rows made most of each index.
    organisation = models.ForeignKey(
        "customers.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        db_index=False,
    )
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="tickets")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_tickets"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.NORMAL)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    # Kept in step with TRANSFERRED events inside the same transaction, so the queue can flag
    # run-arounds without counting events per row.
    handoff_count = models.PositiveIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_tickets", db_index=False
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    solved_at = models.DateTimeField(null=True, blank=True)
    # The earliest due time of the ticket's running service targets, kept in step by service_levels in
    # the same transaction as the targets: the queue shows and sorts by the time left without a join.
    next_due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            filled_only("organisation", "ticket_organisation"),
            filled_only("merged_into", "ticket_merged_into"),
            # The queue sorted by time left: open tickets with a running target, soonest due first.
            models.Index(
                fields=["next_due_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES, next_due_at__isnull=False),
                name="ticket_open_due",
            ),
            # Queue views: "all open", "my teams", "mine" and "unassigned", newest activity first.
            models.Index(
                fields=["-updated_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_open_recent",
            ),
            models.Index(
                fields=["team", "-updated_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_team_open_recent",
            ),
            models.Index(
                fields=["owner", "-updated_at", "-id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="ticket_owner_open_recent",
            ),
            # Saved views and the API filter on any status.
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_recent"),
            models.Index(fields=["-updated_at", "-id"], name="ticket_recent"),
            # The other sorts of any view, walked in order (either way) instead of sorting every match: at
            # 10^6 tickets "all tickets" by newest or by priority took 1.8-2.2 s, "all open" 0.27 s;
            # with these about 20 ms (docs/benchmarks.md, stop 23).
            models.Index(fields=["-created_at", "-id"], name="ticket_created"),
            models.Index(fields=["-priority", "-id"], name="ticket_priority"),
            # "Time left" in a view of any status (all tickets, saved views); small: running clocks only.
            models.Index(
                fields=["next_due_at", "id"], condition=models.Q(next_due_at__isnull=False), name="ticket_due"
            ),
            # "Unassigned" by priority, either way: small (open tickets nobody owns). Without it PostgreSQL
            # fetched every unassigned open ticket, joined each to its customer and sorted them: 77-131 ms
            # at 10^6 tickets (7,859 of them, where it expected 503) on two hosts; 34-38 ms with it on the
            # slower one (docs/benchmarks.md, stop 24).
            models.Index(
                fields=["priority", "id"],
                condition=models.Q(status__in=OPEN_STATUSES, owner__isnull=True),
                name="ticket_unassigned_priority",
            ),
            # The customer sidebar: their other tickets.
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:ticket", args=[self.pk])

    # Django's own get_FOO_display hashes every (lazily translated) label on each call: measured at a
    # quarter of the time of a queue row. These look the value up in the choices instead.
    def get_status_display(self) -> str:
        return _label(self.Status, self.status)

    def get_priority_display(self) -> str:
        return _label(self.Priority, self.priority)

    @property
    def reference(self) -> str:
        return f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_runaround(self) -> bool:
        return self.handoff_count >= settings.CAREDESK_RUNAROUND_THRESHOLD


class Message(models.Model):
    """What was said: the customer's words, an agent's public reply, or an internal note."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("Customer message")
        REPLY = "reply", _("Public reply")
        NOTE = "note", _("Internal note")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,
    )
    customer = models.ForeignKey(
        "customers.Customer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="messages",
        db_index=False,
    )
    body_text = models.TextField()
    # Sanitised with nh3 before it is stored; templates may mark it safe.
    body_html = models.TextField(blank=True)
    # The quoted history and signature split from an email's new text (mail.parsing): shown folded.
    # db_default too: the seeder writes message rows with raw SQL and names only the columns it fills.
    quoted = models.TextField(blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_ticket_created"),
            filled_only("author", "message_author"),  # staff write a third of the messages
            filled_only("customer", "message_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on #{self.ticket_id}"

    @property
    def is_public(self) -> bool:
        return self.kind != self.Kind.NOTE

    @property
    def author_name(self) -> str:
        return str(self.author or self.customer or "")

    @property
    def files(self) -> list["Attachment"]:
        """Its attachments in upload order: as queries.with_files loaded them for a page of messages, or
        else with a query of its own."""
        if "_files" not in self.__dict__:
            self._files = list(self.attachments.order_by("pk"))
        return self._files


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("conversations:attachment", args=[self.pk])


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an event."""


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("Events are never updated.")

    def delete(self):
        raise AppendOnly("Events are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("Events are never updated.")


class Event(models.Model):
    """One thing that happened to a ticket, with who did it and when. Written only by events.record();
    never edited or deleted, so that every report computed from it can be recomputed and trusted."""

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        ASSIGNED = "assigned", _("assigned")
        TRANSFERRED = "transferred", _("transferred")
        STATUS_CHANGED = "status_changed", _("status changed")
        PRIORITY_CHANGED = "priority_changed", _("priority changed")
        TAGS_CHANGED = "tags_changed", _("tags changed")
        FIELDS_CHANGED = "fields_changed", _("fields changed")
        REPLIED = "replied", _("replied")
        CUSTOMER_REPLIED = "customer_replied", _("customer replied")
        NOTE_ADDED = "note_added", _("note added")
        MERGED = "merged", _("merged")
        MERGED_IN = "merged_in", _("merged in")
        REOPENED = "reopened", _("reopened")
        EMAIL_RESENT = "email_resent", _("email sent again")
        # Service commitments (service_levels, promises, escalations, automations).
        TARGET_BREACHED = "target_breached", _("target breached")
        TARGET_MET = "target_met", _("target met")
        PROMISE_MADE = "promise_made", _("promise made")
        PROMISE_KEPT = "promise_kept", _("promise kept")
        PROMISE_BROKEN = "promise_broken", _("promise broken")
        PROMISE_CANCELLED = "promise_cancelled", _("promise cancelled")
        ESCALATED = "escalated", _("escalated")
        ESCALATION_RESOLVED = "escalation_resolved", _("escalation resolved")
        DE_ESCALATED = "de_escalated", _("de-escalated")
        AUTOMATION_APPLIED = "automation_applied", _("automation applied")
        # Care quality (surveys, kudos, coaching).
        SURVEY_SENT = "survey_sent", _("survey sent")
        SURVEY_ANSWERED = "survey_answered", _("survey answered")
        COMPLIMENT_RECEIVED = "compliment_received", _("compliment received")
        REVIEWED = "reviewed", _("conversation reviewed")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", db_index=False)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    at = models.DateTimeField(default=clock.now)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()
    # The message the event is about (data["message"]), when whoever recorded it had it in hand
    # (events.record): hooks read it here instead of from the database. Not a column: None on events read back.
    message: Message | None = None

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            # The ticket timeline reads one ticket's events in order.
            models.Index(fields=["ticket", "at"], name="event_ticket_at"),
            # Hand-off and response-time reports scan one kind over a date range.
            models.Index(fields=["kind", "at"], name="event_kind_at"),
            filled_only("actor", "event_actor"),  # events of the customer and of the system have none
        ]

    def __str__(self) -> str:
        return f"{self.kind} on #{self.ticket_id} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnly("Events are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Events are never deleted.")


class CustomField(models.Model):
    """A field admins add to every ticket; values live in Ticket.fields under `key`."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        CHOICE = "choice", _("Choice")
        DATE = "date", _("Date")
        CHECKBOX = "checkbox", _("Checkbox")

    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True, help_text=_("For choice fields."))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label

    def clean_value(self, raw):
        """The stored form of a value typed by a person, or ValidationError with a reason."""
        if raw in (None, ""):
            return None
        if self.kind == self.Kind.NUMBER:
            try:
                number = float(raw) if any(c in str(raw) for c in ".eE") else int(raw)
            except (ValueError, TypeError, OverflowError):
                number = None
            if number is None or not math.isfinite(number) or abs(number) >= 10**15:
                raise ValidationError(_("%(label)s must be a number.") % {"label": self.label})
            return number
        if self.kind == self.Kind.CHOICE and raw not in self.choices:
            raise ValidationError(
                _("%(label)s must be one of: %(choices)s.") % {"label": self.label, "choices": ", ".join(self.choices)}
            )
        if self.kind == self.Kind.DATE:
            from datetime import date

            try:
                return date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise ValidationError(_("%(label)s must be a date (YYYY-MM-DD).") % {"label": self.label}) from None
        if self.kind == self.Kind.CHECKBOX:
            return str(raw).lower() in ("1", "true", "on", "yes")
        return str(raw)[:500]


class SavedView(models.Model):
    """A queue an agent defined: filters and a sort, kept under a name. Shared views show for all staff."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("name"), max_length=100)
    filters = models.JSONField(default=dict, blank=True)
    is_shared = models.BooleanField(_("shared with everyone"), default=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Macro(models.Model):
    """A canned reply. Placeholders such as {{ customer.first_name }} are filled in for each ticket."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    body = models.TextField(_("body"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Presence(models.Model):
    """Who has a ticket open right now, and whether they are typing: the collision notice reads this."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=clock.now)
    typing_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_unique")]

    def __str__(self) -> str:
        return f"{self.user} on #{self.ticket_id}"


class SearchDocument(models.Model):
    """The searchable text of one ticket (subject and every message), rewritten by a task after changes.
    SQLite indexes it with FTS5, PostgreSQL with a GIN index on its tsvector (see search.py)."""

    ticket = models.OneToOneField(Ticket, primary_key=True, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    indexed_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"search document of #{self.ticket_id}"
