"""Admin pages for email: IMAP mailboxes (per team, with a connection check and "Poll now"), and
inbound email — what failed and why, the raw .eml, and "Process again" after a fix."""

from email import policy
from email.parser import BytesHeaderParser

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import BinaryField
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from caredesk.accounts import permissions
from caredesk.system.queue import later

from . import imap, services, tasks
from .models import InboundEmail, Mailbox


class MailboxForm(forms.ModelForm):
    """The password is write-only: never put back into the page, kept as it is when left empty."""

    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        # vTextField: as wide as the admin's other text inputs.
        widget=forms.PasswordInput(
            render_value=False, attrs={"autocomplete": "new-password", "class": "vTextField"}
        ),
        help_text=_("For Gmail and Microsoft 365 an app password. Leave empty to keep the saved one."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name", "address", "team", "host", "port", "security", "username", "password", "folder",
            "enabled", "import_old_mail", "batch_size", "poll_every_seconds",
        ]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            return password
        if self.instance.pk:
            return Mailbox.objects.values_list("password", flat=True).get(pk=self.instance.pk)
        raise forms.ValidationError(_("Give the mailbox's password (or app password)."))


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    # The address under the name, so the table fits beside the admin's side bars with its last column,
    # the error, whole.
    list_display = ["mailbox_column", "team", "enabled", "last_polled_at", "last_error_column"]
    list_filter = ["team", "enabled"]
    search_fields = ["name", "address", "host", "username"]
    readonly_fields = ["read_up_to", "last_polled_at", "next_poll_at", "last_error", "last_error_at"]
    actions = ["check_connection", "poll_now"]

    # Mailboxes hold passwords: only the desk's admins (accounts.permissions) see this page, whatever
    # Django permissions a staff account may have been given.
    def has_module_permission(self, request) -> bool:
        return permissions.is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return permissions.is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.is_admin(request.user)

    @admin.display(description=_("read up to"))
    def read_up_to(self, mailbox: Mailbox) -> str:
        """Where polling has got to, in words: the bare UIDVALIDITY and UID fields meant nothing to admins."""
        if mailbox.uidvalidity is None:
            return _("Not checked yet.")
        return _("Message UID %(uid)d of the folder (UIDVALIDITY %(validity)d).") % {
            "uid": mailbox.last_uid, "validity": mailbox.uidvalidity,
        }

    @admin.display(description=_("mailbox"), ordering="name")
    def mailbox_column(self, mailbox: Mailbox) -> str:
        return format_html('{}<br><span class="quiet">{}</span>', mailbox.name, mailbox.address)

    @admin.display(description=_("last error"))
    def last_error_column(self, mailbox: Mailbox) -> str:
        return _wrapping(mailbox.last_error)

    @admin.action(description=_("Check connection"))
    def check_connection(self, request, queryset) -> None:
        """Log in and open the folder of each, now, and say what came of it."""
        for mailbox in queryset:
            try:
                count = imap.check(mailbox)
            except imap.MailboxError as error:
                self.message_user(request, f"{mailbox.name}: {error}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(name)s: connected; %(count)d message in %(folder)s.",
                        "%(name)s: connected; %(count)d messages in %(folder)s.",
                        count,
                    ) % {"name": mailbox.name, "count": count, "folder": mailbox.folder},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Poll now"))
    def poll_now(self, request, queryset) -> None:
        """Queue a poll of each; the worker runs it, and the list shows when it was done and any error."""
        count = 0
        for mailbox in queryset.filter(enabled=True):
            later(tasks.poll_mailbox, mailbox_id=mailbox.pk)
            count += 1
        self.message_user(
            request,
            ngettext("A poll of %(count)d mailbox is queued.", "Polls of %(count)d mailboxes are queued.", count)
            % {"count": count},
            messages.SUCCESS,
        )


def _wrapping(text: str) -> str:
    """An error for a list column: wrapped anywhere, since server answers and setting names have long
    runs without spaces that would otherwise widen the table past the page and cut the column off."""
    if not text:
        return "-"
    style = "display: block; min-width: 12em; overflow-wrap: anywhere"
    return format_html('<span style="{}">{}</span>', style, text)


# Sender and subject are read from the first bytes of each email only: the headers are there, and a page
# of emails must not load every attachment from the database.
HEAD_BYTES = 16 * 1024


def _header(head: bytes, name: str) -> str:
    """A header decoded for display; the raw value, or nothing, when it cannot be read."""
    try:
        message = BytesHeaderParser(policy=policy.default).parsebytes(head)
        return " ".join(str(message.get(name, "")).split())
    except Exception:  # noqa: BLE001 - a display must not fail on the broken headers that make emails fail
        return ""


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every email received, for admins only, read-only: the raw bytes are never rewritten and an email is
    never deleted. "Process again" retries the selected ones once their cause is fixed."""

    # Few columns, the error the widest: beside the admin's two side bars a wider table is cut off at the
    # right, where the error is. The source is a filter and on each email's page.
    list_display = ["received_at", "email_column", "status", "attempts", "error_column"]
    list_filter = ["status", "source"]
    ordering = ["-received_at", "-id"]
    show_full_result_count = False  # no COUNT(*) over every email ever received
    actions = ["process_again"]
    fields = [
        "received_at", "source", "sender", "subject", "status", "attempts", "error_in_full", "raw_email",
        "message_id", "sha256", "team", "quiet", "ticket_link", "processed_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest):
        head = Substr("raw", 1, HEAD_BYTES, output_field=BinaryField())
        return super().get_queryset(request).defer("raw").annotate(head=head)

    def get_urls(self):
        raw_view = self.admin_site.admin_view(self.raw_view)
        return [path("<int:object_id>/raw/", raw_view, name="mail_inboundemail_raw"), *super().get_urls()]

    # Permission: admins only (accounts.permissions), whatever Django permissions a user was given.

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return permissions.is_admin(request.user)

    def has_process_permission(self, request: HttpRequest) -> bool:
        return permissions.is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    # Columns and fields

    @admin.display(description=_("sender"))
    def sender(self, inbound: InboundEmail) -> str:
        return _header(bytes(inbound.head or b""), "From")

    @admin.display(description=_("subject"))
    def subject(self, inbound: InboundEmail) -> str:
        return _header(bytes(inbound.head or b""), "Subject")

    @admin.display(description=_("error"))
    def error_first_line(self, inbound: InboundEmail) -> str:
        return inbound.error.splitlines()[0] if inbound.error else ""

    @admin.display(description=_("email"))
    def email_column(self, inbound: InboundEmail) -> str:
        subject = self.subject(inbound) or _("(no subject)")
        return format_html('{}<br><span class="quiet">{}</span>', subject, self.sender(inbound))

    @admin.display(description=_("error"))
    def error_column(self, inbound: InboundEmail) -> str:
        return _wrapping(self.error_first_line(inbound))

    @admin.display(description=_("error"))
    def error_in_full(self, inbound: InboundEmail) -> str:
        # Scrolled sideways inside its box: a traceback's long lines must not widen the whole page.
        if not inbound.error:
            return "-"
        return format_html('<div style="overflow-x: auto"><pre>{}</pre></div>', inbound.error)

    @admin.display(description=_("raw email"))
    def raw_email(self, inbound: InboundEmail) -> str:
        url = reverse("admin:mail_inboundemail_raw", args=[inbound.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Download .eml"))

    @admin.display(description=_("ticket"))
    def ticket_link(self, inbound: InboundEmail) -> str:
        if inbound.ticket_id is None:
            return "-"
        url = reverse("conversations:ticket", args=[inbound.ticket_id])
        return format_html('<a href="{}">#{}</a>', url, inbound.ticket_id)

    # The raw bytes and the retry

    def raw_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The email exactly as received, to open in a mail client or attach to a bug report."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        inbound = get_object_or_404(InboundEmail.objects.only("raw"), pk=object_id)
        response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-email-{inbound.pk}.eml"'
        return response

    @admin.action(description=_("Process again"), permissions=["process"])
    def process_again(self, request: HttpRequest, queryset) -> None:
        """services.process on each selected email not finished yet (stored or failed); finished ones are
        left alone, as process() would leave them."""
        unfinished = InboundEmail.objects.only("pk").filter(
            pk__in=queryset.values("pk"), status__in=services.UNFINISHED
        ).order_by("received_at", "pk")
        still_failing = processed = 0
        for inbound in unfinished:
            if services.process(inbound).status == InboundEmail.Status.FAILED:
                still_failing += 1
            else:
                processed += 1
        self.message_user(
            request,
            _("Processed again: %(processed)d now processed, %(failing)d still failing.")
            % {"processed": processed, "failing": still_failing},
            messages.WARNING if still_failing else messages.SUCCESS,
        )
