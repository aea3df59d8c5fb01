"""Reports pages: the dashboard, the tickets behind a figure, the care standard, and CSV of each table.

Every view starts with `_reader` (permissions.can_see_reports: leads, admins, sales; anyone else gets
404, so the pages reveal nothing), reads through queries.py and renders. Bad filters answer 400 with
what to fix and no figures; a refused standard answers 422 with the form's errors, nothing saved.
"""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from caredesk.accounts import permissions
from caredesk.system import clock

from . import queries, services
from . import standard as care
from .forms import DashboardForm, DrillForm, StandardForm

FILTERS = ("days", "bucket", "team", "agent", "channel", "by")


def reader_required(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.can_see_reports(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _form(request, form_class=DashboardForm, names=FILTERS):
    teams = queries.visible_teams(request.user)
    agents = queries.agents_of(teams)
    data = {name: request.GET[name] for name in names if request.GET.get(name) is not None}
    return form_class(data, teams=teams, agents=agents), teams, agents


def _dashboard(request):
    form, teams, agents = _form(request)
    if not form.is_valid():
        return form, None
    standard = care.current_standard()
    return form, queries.dashboard(request.user, form.filters(), teams=teams, agents=agents, standard=standard)


@reader_required
def dashboard(request):
    """The dashboard; htmx (the filters) gets the figures alone."""
    form, board = _dashboard(request)
    context = {"form": form, "board": board, "can_edit_standard": permissions.can_edit_standard(request.user)}
    if board is not None:
        context["charts_json"] = [
            {"metric": c.metric, "label": c.label, "unit": c.unit, "labels": c.labels, "values": c.values,
             "goal": c.goal, "short": c.short, "drill": c.drill}
            for c in board.charts
        ]
        context["query"] = board.filters.query()
        context["dimension_label"] = queries.DIMENSIONS[board.filters.dimension]
        context["breakdown_labels"] = [queries.label_of(metric) for metric in board.breakdown_metrics]
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    template = "reports/_dashboard.html" if fragment else "reports/dashboard.html"
    response = render(request, template, context, status=200 if board is not None else 400)
    patch_vary_headers(response, ["HX-Request"])
    return response


@reader_required
def tickets(request):
    """The tickets behind one figure (a card, a bar, a cell of the table), a page at a time."""
    form, teams, _agents = _form(request, DrillForm, (*FILTERS, "metric", "since", "until", "after"))
    context = {"form": form}
    if not form.is_valid():
        return render(request, "reports/tickets.html", context, status=400)
    filters, data = form.filters(), form.cleaned_data
    page = queries.tickets(request.user, filters, metric=data["metric"], since=data["since"], until=data["until"],
                           after=data.get("after"), teams=teams)
    query = filters.query(metric=data["metric"], since=data["since"].isoformat(), until=data["until"].isoformat())
    context.update(
        page=page,
        metric=data["metric"],
        label=queries.label_of("reopen_rate" if data["metric"] == "reopened" else data["metric"]),
        since=data["since"],
        until=data["until"],
        query=query,
        next_query=f"{query}&after={page.next_cursor}" if page.next_cursor else "",
        back_query=filters.query(),
    )
    return render(request, "reports/tickets.html", context)


# CSV -------------------------------------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def _cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(value):
        return "'" + value
    return value


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _csv(rows, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow([_cell(v) for v in row]) for row in rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(form) -> HttpResponse:
    errors = [f"{form.fields[name].label if name in form.fields else ''}: {' '.join(messages)}" for name, messages in form.errors.items()]
    return HttpResponse(" ".join(errors) + "\n", content_type="text/plain; charset=utf-8", status=400)


def _number_cell(value):
    return "" if value is None else round(value, 2)


@reader_required
def summary_csv(request):
    """The cards: each figure of the period with its goal and whether it meets it."""
    form, board = _dashboard(request)
    if board is None:
        return _refused(form)

    def rows():
        yield [_("Figure"), _("Value"), _("Goal"), _("Direction"), _("Meets the standard"), _("From"), _("To")]
        for card in board.cards + board.quality:
            yield [card.label, _number_cell(card.value), card.goal.value if card.goal else "",
                   card.goal.direction if card.goal else "", "" if card.meets is None else (_("yes") if card.meets else _("no")),
                   board.filters.start.isoformat(), board.filters.end.isoformat()]

    return _csv(rows(), f"care-figures-{clock.now():%Y-%m-%d}.csv")


@reader_required
def series_csv(request):
    """The charts as a table: one row per period, one column per figure."""
    form, board = _dashboard(request)
    if board is None:
        return _refused(form)

    def rows():
        yield [_("Period starting")] + [chart.label for chart in board.charts]
        for index, label in enumerate(board.charts[0].labels if board.charts else []):
            yield [label] + [_number_cell(chart.values[index]) for chart in board.charts]

    return _csv(rows(), f"care-figures-by-{board.filters.bucket}-{clock.now():%Y-%m-%d}.csv")


@reader_required
def breakdown_csv(request):
    """The table by agent, team or channel."""
    form, board = _dashboard(request)
    if board is None:
        return _refused(form)

    def rows():
        yield [str(queries.DIMENSIONS[board.filters.dimension])] + [queries.label_of(m) for m in board.breakdown_metrics]
        for row in board.breakdown:
            yield [row.name] + [_number_cell(value) for _shown, _meets, _link, value in row.cells]

    return _csv(rows(), f"care-figures-by-{board.filters.dimension}-{clock.now():%Y-%m-%d}.csv")


@reader_required
def tickets_csv(request):
    """Every ticket behind a figure (not only a page), a page of facts at a time."""
    form, teams, _agents = _form(request, DrillForm, (*FILTERS, "metric", "since", "until"))
    if not form.is_valid():
        return _refused(form)
    filters, data = form.filters(), form.cleaned_data

    def rows():
        yield [_("Ticket"), _("Subject"), _("Status"), _("Team"), _("Owner"), _("Day"), _("Measured")]
        after = None
        while True:
            page = queries.tickets(request.user, filters, metric=data["metric"], since=data["since"],
                                   until=data["until"], after=after, size=500, teams=teams)
            for row in page.rows:
                ticket = row.ticket
                yield [ticket.pk, ticket.subject, ticket.get_status_display(), ticket.team.name, str(ticket.owner or ""),
                       row.day.isoformat() if row.day else "", row.value]
            if not page.next_cursor:
                return
            after = page.next_cursor

    return _csv(rows(), f"care-{data['metric']}-tickets-{clock.now():%Y-%m-%d}.csv")


# The standard ----------------------------------------------------------------------------------------


@reader_required
@require_http_methods(["GET", "POST"])
def standard(request):
    """Admins edit the care standard; leads and sales read it."""
    can_edit = permissions.can_edit_standard(request.user)
    current = care.current_standard()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = StandardForm(request.POST, standard=current)
        if form.is_valid():
            try:
                services.set_standard(form.goals(), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("reports:standard")
        status = 422
    else:
        form = StandardForm(standard=current)
    return render(request, "reports/standard.html", {"form": form, "can_edit": can_edit, "standard": current}, status=status)
