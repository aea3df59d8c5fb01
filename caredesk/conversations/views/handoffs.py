"""The hand-off report: tickets by number of hand-offs with the teams they passed through, and the team
pairs that bounce tickets most; each also as CSV. Leads and admins only (permissions.can_see_handoff_report);
rows are limited to what the user may see (handoffs.py)."""

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from caredesk.accounts import permissions
from caredesk.system import clock

from .. import handoffs
from ..forms.handoffs import HandoffReportForm


def report_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.can_see_handoff_report(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _form(request) -> tuple[HandoffReportForm, handoffs.TeamNames]:
    names = handoffs.TeamNames(request.user)
    # Unset filters take their defaults, so that the choices shown are the ones the figures are for.
    data = {"period": str(handoffs.DEFAULT_PERIOD), "scope": handoffs.DEFAULT_SCOPE}
    data.update({name: request.GET[name] for name in ("period", "team", "scope") if request.GET.get(name)})
    return HandoffReportForm(data, teams=names.teams), names


def _query(form: HandoffReportForm, **extra) -> str:
    """The filters as they were typed, plus `extra` (a cursor), for links that keep them."""
    kept = {name: form.data.get(name) for name in ("period", "team", "scope") if form.data.get(name)}
    return urlencode({**kept, **extra})


@report_required
def report(request):
    """The report page; htmx (the filters, the pager) gets the report part alone."""
    form, names = _form(request)
    context = {"form": form, "periods": handoffs.PERIODS}
    status = 200
    if form.is_valid():  # bad filters show what to fix, and no figures that would not match them
        filters = form.filters()
        page = handoffs.ticket_page(
            request.user,
            filters,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            names=names,
        )
        context.update(
            filters=filters,
            page=page,
            pairs=handoffs.pairs(request.user, filters, names=names),
            shown_pairs=handoffs.PAIRS_SHOWN,
            query=_query(form),
            next_query=_query(form, after=page.next_cursor) if page.next_cursor else "",
            previous_query=_query(form, before=page.previous_cursor) if page.previous_cursor else "",
            period_label=handoffs.PERIODS[filters.period],
        )
    else:
        status = 400
    # htmx asks for the whole page when it restores history it no longer holds.
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    template = "conversations/_handoff_report.html" if fragment else "conversations/handoffs.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """A value as a spreadsheet will read it: text that starts like a formula (a subject such as
    "=HYPERLINK(...)" a customer typed) is kept as text, never run (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines = (writer.writerow([_cell(value) for value in row]) for row in rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stamp() -> str:
    return clock.now().strftime("%Y-%m-%d")


def _refused(form) -> StreamingHttpResponse:
    errors = [f"{form.fields[name].label}: {' '.join(messages)}" for name, messages in form.errors.items()]
    return StreamingHttpResponse(iter([" ".join(errors) + "\n"]), content_type="text/plain; charset=utf-8", status=400)


@report_required
def tickets_csv(request):
    """Every ticket of the list (not only a page), streamed a chunk at a time."""
    form, _names = _form(request)
    if not form.is_valid():
        return _refused(form)
    filters = form.filters()

    def rows():
        yield [
            _("Ticket"), _("Subject"), _("Status"), _("Team"), _("Owner"), _("Hand-offs"), _("Run-around"),
            _("Bounced back"), _("Teams passed through"),
        ]
        for row in handoffs.all_rows(request.user, filters):
            ticket = row.ticket
            yield [
                ticket.pk,
                ticket.subject,
                ticket.get_status_display(),
                ticket.team.name,
                str(ticket.owner or ""),
                ticket.handoff_count,
                _("yes") if ticket.is_runaround else _("no"),
                row.bounces,
                " > ".join(step.team for step in row.chain),
            ]

    return _csv(rows(), f"handoffs-tickets-{_stamp()}.csv")


@report_required
def pairs_csv(request):
    """Every team pair of the period, most transfers first."""
    form, names = _form(request)
    if not form.is_valid():
        return _refused(form)
    report = handoffs.pairs(request.user, form.filters(), names=names)

    def rows():
        yield [_("From team"), _("To team"), _("Transfers"), _("Bounced back")]
        for pair in report.pairs:
            yield [pair.from_team, pair.to_team, pair.transfers, pair.bounced_back]

    return _csv(rows(), f"handoffs-team-pairs-{_stamp()}.csv")


urlpatterns = [
    path("handoffs/", report, name="handoffs"),
    path("handoffs/tickets.csv", tickets_csv, name="handoffs_tickets_csv"),
    path("handoffs/pairs.csv", pairs_csv, name="handoffs_pairs_csv"),
]
