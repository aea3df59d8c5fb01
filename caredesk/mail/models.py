"""Email as it arrived: the raw bytes of every inbound message, kept before anything reads them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from caredesk.system import clock

# Normalised Message-IDs are cut to this length. Real ones are far shorter; the cap keeps one row of the
# (message_id, sha256) index under PostgreSQL's B-tree limit even for a hostile header.
MESSAGE_ID_LENGTH = 500


class InboundEmail(models.Model):
    """One message received by any way in (ingest, IMAP, SMTP), stored byte for byte, then processed into
    a ticket or a reply. A failure leaves it stored, with the error, to be processed again."""

    class Source(models.TextChoices):
        INGEST = "ingest", _("caredesk ingest")
        IMAP = "imap", _("IMAP mailbox")
        SMTP = "smtp", _("SMTP receiver")

    class Status(models.TextChoices):
        STORED = "stored", _("Stored, not processed yet")
        PROCESSED = "processed", _("Processed")
        FAILED = "failed", _("Failed, stored for retry")
        AUTO_REPLY = "auto_reply", _("Auto-reply, not made a message")

    raw = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    # From the Message-ID header: without <>, whitespace and case; empty when the header is missing.
    message_id = models.CharField(max_length=MESSAGE_ID_LENGTH, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # The team of the mailbox or command that received it: new tickets from it go there.
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    received_at = models.DateTimeField(default=clock.now)
    # Old mail brought in as history (a mailbox's earlier messages, `caredesk ingest --history`): it is
    # processed like any other but fires no acknowledgement, notification or automation.
    quiet = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.STORED)
    # Why processing failed, or which attachments were left out of a processed message and why.
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    ticket = models.ForeignKey(
        "conversations.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    # The message it became on the desk. Not named `message`: its column would clash with message_id.
    desk_message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    # True when this email opened its ticket (a new request, or the follow-up to a closed ticket).
    started_ticket = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            # The same message arriving twice (same Message-ID, same bytes) is stored once. A Message-ID
            # with other bytes is another copy and is kept. Messages without a Message-ID (empty here)
            # fall under it too, deliberately: identical bytes are the same message, and a folder ingested
            # twice must not open every ticket twice.
            # Threading looks up In-Reply-To/References by message_id, the leading column.
            models.UniqueConstraint(fields=["message_id", "sha256"], name="inbound_email_once"),
        ]

    def __str__(self) -> str:
        return f"inbound email {self.pk} <{self.message_id}> ({self.status})"


class OutboundEmail(models.Model):
    """One email caredesk sends, stored whole before it is sent (the outbox, see mail/outbox.py), so a
    send is a retryable step and its outcome is on record. The ticket page reads the delivery state of
    each reply from here; threading reads message_id to recognise customers' answers to our mail."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply to the customer")
        NOTIFICATION = "notification", _("Notification to an agent")
        LOGIN_LINK = "login_link", _("Log-in link")
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement of a request")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNKNOWN = "unknown", _("Unknown: the worker stopped while sending")

    ticket = models.ForeignKey(
        "conversations.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    # The reply this email carries; the timeline shows its delivery state beside it.
    desk_message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_email = models.CharField(max_length=500)
    to = models.CharField(max_length=500)
    reply_to = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=998)
    # Ours, normalised as InboundEmail.message_id is (no <>, lower case), so one lookup serves both.
    # Unique: it is the email's identity, kept when a person resends it.
    message_id = models.CharField(max_length=MESSAGE_ID_LENGTH, unique=True)
    in_reply_to = models.CharField(max_length=MESSAGE_ID_LENGTH, blank=True)
    references = models.TextField(blank=True)  # normalised ids, oldest first, separated by spaces
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    attachments = models.ManyToManyField("conversations.Attachment", blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    # Not before this time (back-off after a temporary failure); None: as soon as possible.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When a worker took it for sending: a row still `sending` long after is `unknown` (outbox.LEASE).
    claimed_at = models.DateTimeField(null=True, blank=True)
    # The mail server's answer to the last failed try, e.g. "550 5.1.1 mailbox unknown".
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            # The sweeps (outbox.due, outbox.give_up_stale) scan one status by time.
            models.Index(fields=["status", "next_attempt_at"], name="outbound_email_due"),
        ]

    def __str__(self) -> str:
        return f"outbound email {self.pk} <{self.message_id}> to {self.to} ({self.status})"

    @property
    def is_automatic(self) -> bool:
        """Written by the desk, not by a person: marked Auto-Submitted so other desks do not answer it."""
        return self.kind != self.Kind.REPLY

    @property
    def carries_secret(self) -> bool:
        """Its body holds a log-in link (portal.login_links keeps only digests): wiped once it has gone."""
        return self.kind in SECRET_KINDS

    @property
    def can_resend(self) -> bool:
        return self.status in (self.Status.FAILED, self.Status.UNKNOWN) and not self.carries_secret


# Emails whose body may hold a log-in link: the log-in email and the acknowledgement of a web request.
SECRET_KINDS = (OutboundEmail.Kind.LOGIN_LINK, OutboundEmail.Kind.ACKNOWLEDGEMENT)
