from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from caredesk.accounts import permissions
from caredesk.system.queue import later

from . import imap, tasks
from .models import Mailbox


class MailboxForm(forms.ModelForm):
    """The password is write-only: never put back into the page, kept as it is when left empty."""

    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
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
    list_display = ["name", "address", "team", "enabled", "last_polled_at", "last_error"]
    list_filter = ["team", "enabled"]
    search_fields = ["name", "address", "host", "username"]
    readonly_fields = ["uidvalidity", "last_uid", "last_polled_at", "next_poll_at", "last_error", "last_error_at"]
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
