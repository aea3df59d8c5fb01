"""The queue's table rows, written in Python rather than as template markup.

Twenty-five rows of template cost the queue page more than all its queries: the engine resolves every
variable, filter and {% translate %} node of every row, and format_html checks each argument for lazy
strings. Here the words, the link pattern and the month names are looked up once per page, and a row is
one f-string whose every value goes through html.escape (what Django's escape does). The markup and the
words are the same as the template's were (tests/test_queue_page.py reads them)."""

from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caredesk.service_levels.templatetags.service_levels import time_left

from .caredesk_badges import status_badge

register = template.Library()

# Priority (Ticket.Priority values) -> the colour and the icon next to its label.
PRIORITY_LOOKS = {
    4: ("text-danger fw-semibold", "bi-exclamation-triangle-fill"),
    3: ("text-warning-emphasis", "bi-arrow-up"),
    1: ("text-secondary", "bi-arrow-down"),
}
NORMAL_PRIORITY_LOOK = ("text-body-secondary", "bi-dash")
PK_PLACEHOLDER = 987654321  # stands for a ticket's id in the link pattern, reversed once per page


class Moments:
    """Times as the date filters "c" and "j M Y, H:i" show them, in the current time zone, with the active
    language's month names looked up once (the queue's rows and the ticket page's messages share it)."""

    def __init__(self):
        self.months = {number: str(name).title() for number, name in MONTHS_3.items()}

    def __call__(self, moment) -> tuple[str, str]:
        """The datetime attribute and the text of a <time> for `moment`."""
        local = timezone.localtime(moment)
        return local.isoformat(), f"{local.day} {self.months[local.month]} {local.year}, {local:%H:%M}"


class _Page:
    """What every row of one page shares: the active language's words and the ticket link pattern."""

    def __init__(self, can_bulk: bool, selected: set[str]):
        self.can_bulk, self.selected = can_bulk, selected
        self.url = reverse("conversations:ticket", args=[PK_PLACEHOLDER]).replace(str(PK_PLACEHOLDER), "{}")
        self.moment = Moments()
        self.select = _("Select %(ref)s")
        self.queue = escape(_("Queue"))
        self.runaround = escape(_("Run-around"))

    def row(self, ticket) -> str:
        url = self.url.format(ticket.pk)
        reference = escape(ticket.reference)
        check = ""
        if self.can_bulk:
            checked = " checked" if str(ticket.pk) in self.selected else ""
            check = (
                f'<td class="ps-3"><input type="checkbox" class="form-check-input row-check" name="tickets" '
                f'value="{ticket.pk}" form="bulk-form" aria-label="{escape(self.select % {"ref": ticket.reference})}"'
                f"{checked}></td>"
            )
        tags = "".join(
            f'<span class="badge rounded-pill bg-body-secondary text-body-secondary fw-normal ms-1">{escape(name)}</span>'
            for name in ticket.tag_names
        )
        owner = (
            escape(str(ticket.owner))
            if ticket.owner_id is not None
            else f'<span class="text-secondary fst-italic">{self.queue}</span>'
        )
        updated_iso, updated = self.moment(ticket.updated_at)
        return (
            f'<tr class="queue-row{" runaround" if ticket.is_runaround else ""}" data-href="{url}">{check}'
            f'<td class="text-secondary font-monospace small{"" if self.can_bulk else " ps-3"}">{reference}</td>'
            f'<td><a class="fw-semibold link-body-emphasis text-decoration-none" href="{url}">{escape(ticket.subject)}</a>'
            f"{self._runaround_badge(ticket)}{tags}</td>"
            f'<td class="text-nowrap">{escape(str(ticket.customer))}</td>'
            f'<td class="text-nowrap">{escape(str(ticket.team))}</td>'
            f'<td class="text-nowrap">{owner}</td>'
            f"<td>{status_badge(ticket.status, ticket.get_status_display())}</td>"
            f'<td class="text-nowrap">{priority_label(ticket)}</td>'
            f"<td>{time_left(ticket)}</td>"
            f'<td class="text-nowrap text-secondary small pe-3"><time datetime="{updated_iso}" data-relative>'
            f"{updated}</time></td></tr>"
        )

    def _runaround_badge(self, ticket) -> str:
        if not ticket.is_runaround:
            return ""
        count = ticket.handoff_count
        title = ngettext("Handed on %(count)s time", "Handed on %(count)s times", count) % {"count": count}
        return (
            f'<span class="badge text-bg-danger ms-1" title="{escape(title)}"><i class="bi bi-arrow-repeat"></i> '
            f"{self.runaround} · {count}</span>"
        )


def priority_label(ticket) -> str:
    colour, icon = PRIORITY_LOOKS.get(ticket.priority, NORMAL_PRIORITY_LOOK)
    return f'<span class="{colour}"><i class="bi {icon} me-1"></i>{escape(ticket.get_priority_display())}</span>'


@register.simple_tag
def queue_rows(tickets, can_bulk: bool, selected: set[str]) -> SafeString:
    """The queue table's rows for `tickets` (their tag_names, customer, team and owner already loaded)."""
    page = _Page(can_bulk, selected)
    return mark_safe("\n".join(page.row(ticket) for ticket in tickets))
