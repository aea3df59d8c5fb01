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
        BOUNCE = "bounce", _("Delivery failure")

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
