"""Email as it arrived: the raw bytes of every inbound message, kept before anything reads them."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
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
    # For a delivery failure: the email of ours that bounced (mail/delivery.py).
    bounced_email = models.ForeignKey(
        "mail.OutboundEmail", null=True, blank=True, on_delete=models.SET_NULL, related_name="bounces"
    )

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
        indexes = [
            # The admin's list of failed (or stored, unprocessed) emails, newest first, at any size.
            models.Index(fields=["status", "received_at"], name="inbound_email_by_status"),
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
        BOUNCED = "bounced", _("Bounced: the receiving server sent it back")

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
    # How many attachments it carries, set when it is stored: sending reads them only when there are some
    # (most emails have none, and the read was a query of its own for each one sent).
    attachment_count = models.PositiveSmallIntegerField(default=0)
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
            # The loop breaker counts the automatic answers to an address in the last hour.
            models.Index(Lower("to"), "created_at", name="outbound_email_to_recent"),
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
        return self.status in RESENDABLE and not self.carries_secret


# What a person may send again: what did not arrive, or may not have.
RESENDABLE = (OutboundEmail.Status.FAILED, OutboundEmail.Status.UNKNOWN, OutboundEmail.Status.BOUNCED)
# Emails whose body may hold a log-in link: the log-in email and the acknowledgement of a web request.
SECRET_KINDS = (OutboundEmail.Kind.LOGIN_LINK, OutboundEmail.Kind.ACKNOWLEDGEMENT)


# Plain IMAP sends the password in clear: allowed only to a server on this machine (a local relay, tests).
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


class Mailbox(models.Model):
    """An IMAP mailbox caredesk polls for customer mail (mail.imap.poll). Messages are tracked by
    UIDVALIDITY and UID, so each is taken once, in order, and none is skipped."""

    class Security(models.TextChoices):
        SSL = "ssl", _("SSL/TLS (implicit, usually port 993)")
        STARTTLS = "starttls", _("STARTTLS (usually port 143)")
        NONE = "none", _("None (only to this machine)")

    name = models.CharField(_("name"), max_length=100, unique=True)
    address = models.EmailField(_("address"), help_text=_("The address customers write to."))
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="mailboxes", verbose_name=_("team"),
        help_text=_("New tickets from this mailbox go to this team."),
    )
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    security = models.CharField(_("security"), max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(_("user name"), max_length=255)
    # Kept as given: the IMAP server needs it in clear to log in. Never shown again once saved (admin).
    password = models.CharField(_("password"), max_length=255)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    enabled = models.BooleanField(_("enabled"), default=True)
    import_old_mail = models.BooleanField(
        _("import old mail"), default=False,
        help_text=_("Bring in the mail already in the folder as history (no acknowledgements or notifications). "
                    "Off: start from now, with only mail that arrives after the first check."),
    )
    batch_size = models.PositiveIntegerField(
        _("messages per check"), default=50, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    poll_every_seconds = models.PositiveIntegerField(
        _("check every (seconds)"), default=60, validators=[MinValueValidator(15), MaxValueValidator(86400)]
    )
    # Where polling has got to. UIDs are only meaningful with the folder's UIDVALIDITY; None: never polled.
    uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    last_uid = models.BigIntegerField(default=0, editable=False)
    # Messages up to this UID were in the folder before caredesk first read it (or before its UIDVALIDITY
    # changed): they are old mail, taken quietly.
    old_mail_until_uid = models.BigIntegerField(default=0, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    # None: due now. poll_due_mailboxes moves it on when it queues a poll, so a slow queue gets one poll,
    # not one per scheduler tick.
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A worker polling this mailbox holds it until then (a lease, renewed per message): two workers never
    # poll one mailbox together, and a worker that died frees it when the lease runs out.
    polling_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"

    def clean(self) -> None:
        if self.security == self.Security.NONE and self.host.strip().lower() not in LOOPBACK_HOSTS:
            raise ValidationError({
                "security": _("Without TLS the password and mail cross the network in clear. Choose SSL/TLS or "
                              "STARTTLS; no security is allowed only for a server on this machine (127.0.0.1).")
            })
