"""The ticket page's messages, written in Python rather than as template markup.

A timeline shows up to 21 messages, and as a template each cost the page more than its queries: the
engine resolves every variable, filter and {% translate %} node of every message (see queue_rows.py, which
does the same for the queue). Here the words are looked up once per page and a message is a few f-strings
whose every value goes through html.escape, except body_html, which the services sanitised with nh3 before
it was stored (text.sanitise). The markup and the words are the same as the template's were; an email's
delivery state is still the template mail/_delivery.html, which its resend button swaps on its own."""

from html import escape

from django import template
from django.template.defaultfilters import filesizeformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caredesk.kudos.templatetags.kudos_tags import praised_people

from .queue_rows import Moments

register = template.Library()

# Message.Kind -> the avatar's colours and the badge beside the author.
AVATAR_LOOKS = {"reply": "text-bg-primary", "note": "text-bg-warning"}
CUSTOMER_AVATAR_LOOK = "bg-secondary-subtle text-secondary-emphasis"


class _Page:
    """What every message of one timeline shares: the active language's words and the delivery template."""

    def __init__(self, context):
        self.context = context
        self.ticket_id = context["ticket"].pk
        self.when = Moments()
        self.automation = escape(_("Automation"))
        self.badges = {
            "note": '<span class="badge text-bg-warning"><i class="bi bi-lock-fill me-1" aria-hidden="true"></i>'
            f"{escape(_('Internal note'))}</span>",
            "reply": '<span class="badge bg-primary-subtle text-primary-emphasis border border-primary-subtle">'
            f'<i class="bi bi-reply-fill me-1" aria-hidden="true"></i>{escape(_("Public reply"))}</span>',
        }
        self.customer_badge = (
            '<span class="badge bg-body-secondary text-secondary-emphasis"><i class="bi bi-person me-1" '
            f'aria-hidden="true"></i>{escape(_("Customer"))}</span>'
        )
        self.merged_title = escape(_("Merged into this ticket"))
        self.quoted = (
            f'<span class="when-closed">{escape(_("Show quoted text"))}</span>'
            f'<span class="when-open">{escape(_("Hide quoted text"))}</span>'
        )
        self.attachments_label = escape(_("Attachments"))
        self.compliment = escape(_("Compliment"))
        self.delivery = context.template.engine.get_template("mail/_delivery.html")

    def row(self, message) -> str:
        # Line breaks where the template had them: between inline elements they are the spaces a reader
        # (and page text) sees, as between the author and the badge.
        kind, author = message.kind, message.author_name
        avatar = escape(author[:1].upper()) if author else '<i class="bi bi-robot"></i>'
        if kind in self.badges:
            badge = self.badges[kind]
        else:
            badge = f"{self.customer_badge}\n{self._kudos_mark(message)}"
        if message.ticket_id != self.ticket_id:
            merged = escape(_("from #%(ref)s") % {"ref": message.ticket_id})
            badge += f'\n<span class="badge text-bg-light border" title="{self.merged_title}">{merged}</span>'
        iso, shown = self.when(message.created_at)
        return (
            f'<article id="message-{message.pk}" class="message message-{escape(kind)} card shadow-sm mb-3">\n'
            '<div class="card-body">\n<header class="d-flex align-items-center gap-2 mb-2">\n'
            f'<span class="avatar {AVATAR_LOOKS.get(kind, CUSTOMER_AVATAR_LOOK)}" aria-hidden="true">{avatar}</span>\n'
            '<div class="flex-grow-1 d-flex flex-wrap align-items-center gap-2 min-w-0">\n'
            f'<strong class="text-truncate">{escape(author) if author else self.automation}</strong>\n'
            f"{badge}\n</div>\n"
            f'<time class="small text-secondary text-nowrap" datetime="{iso}">{shown}</time>\n</header>\n'
            # Sanitised with nh3 by the services before it was stored (text.sanitise).
            f'<div class="message-body">{message.body_html}</div>\n'
            f"{self._quoted(message)}{self._attachments(message)}{self._delivery(message)}</div>\n</article>"
        )

    def _kudos_mark(self, message) -> str:
        praised = praised_people(self.context, message)
        if not praised:
            return ""
        title = ngettext(
            "This message gave kudos to %(counter)s person",
            "This message gave kudos to %(counter)s people",
            praised,
        ) % {"counter": praised}
        return (
            f'<span class="badge kudos-mark text-bg-warning" title="{escape(title)}">'
            f'<i class="bi bi-stars me-1" aria-hidden="true"></i>{self.compliment}</span>'
        )

    def _quoted(self, message) -> str:
        # The history and signature an email quoted, split from its new text (mail.parsing): folded.
        if not message.quoted:
            return ""
        return (
            f'<details class="message-quoted mt-2">\n<summary class="small text-secondary">{self.quoted}</summary>\n'
            '<div class="message-quoted-text small border-start border-2 border-secondary-subtle ps-3 mt-2">'
            f"{escape(message.quoted)}</div>\n</details>\n"
        )

    def _attachments(self, message) -> str:
        files = message.files
        if not files:
            return ""
        items = "".join(
            f'<li><a class="btn btn-sm btn-light border" href="{escape(file.get_absolute_url())}">'
            f'<i class="bi bi-paperclip me-1" aria-hidden="true"></i>{escape(file.filename)} '
            f'<span class="text-secondary">· {filesizeformat(file.size)}</span></a></li>\n'
            for file in files
        )
        label = self.attachments_label
        return f'<ul class="list-unstyled d-flex flex-wrap gap-2 mt-3 mb-0" aria-label="{label}">\n{items}</ul>\n'

    def _delivery(self, message) -> str:
        if not getattr(message, "delivery_id", None):
            return ""
        values = {
            "outbound_id": message.delivery_id,
            "status": message.delivery_status,
            "sent_at": message.delivery_sent_at,
            "error": message.delivery_error,
            "refused": "",
        }
        with self.context.push(**values):
            return self.delivery.render(self.context)


@register.simple_tag(takes_context=True)
def message_row(context, message) -> SafeString:
    """One message of the ticket page's timeline (its author, attachments and delivery state loaded)."""
    page = context.render_context.get("message_rows")
    if page is None:
        page = context.render_context["message_rows"] = _Page(context)
    return mark_safe(page.row(message))
