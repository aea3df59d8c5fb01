"""The calendar settings pages: admins edit, leads and agents read; a live preview beside the form."""

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caredesk.accounts import permissions

from . import business_time, queries, services
from .forms import CalendarForm, PreviewForm
from .models import BusinessCalendar


def _may_view(request: HttpRequest) -> None:
    if not permissions.can_view_calendars(request.user):
        raise PermissionDenied


@require_GET
@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    _may_view(request)
    return render(request, "calendars/list.html", {
        "calendars": queries.calendars(),
        "teams_on_default": queries.teams_on_default(),
        "can_edit": permissions.can_edit_calendars(request.user),
    })


@require_http_methods(["GET", "POST"])
@login_required
def new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_edit_calendars(request.user):
        raise PermissionDenied
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@login_required
def detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    """Admins get the form; leads and agents the same calendar read-only, with the preview."""
    _may_view(request)
    calendar = queries.calendar_for(request.user, calendar_id, to_change=request.method == "POST")
    if not permissions.can_edit_calendars(request.user):
        return render(request, "calendars/calendar.html", {
            "calendar": calendar,
            "closed_days": calendar.closed_days.all(),
            "teams": calendar.teams.order_by("name"),
            "preview_form": PreviewForm(initial=PreviewForm.initial_for(_zone_of(calendar))),
            "preview": _preview_of_stored(calendar, PreviewForm.initial_for(_zone_of(calendar))),
        })
    return _edit(request, calendar)


def _edit(request: HttpRequest, calendar: BusinessCalendar | None) -> HttpResponse:
    if request.method == "POST":
        form = CalendarForm(request.POST, calendar=calendar)
        preview_form = PreviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_calendar(calendar, by=request.user, **data)
            except ValidationError as error:
                form.add_error(None, error.messages[0])
            else:
                messages.success(request, _("Saved the calendar %(name)s.") % {"name": saved.name})
                return redirect("calendars:list")
        status = 422
    else:
        form = CalendarForm(calendar=calendar)
        preview_form = PreviewForm(initial=PreviewForm.initial_for(_zone_of(calendar)))
        status = 200
    values = form.data if form.is_bound else {**form.initial, "teams": None}
    preview_values = preview_form.data if preview_form.is_bound else preview_form.initial
    return render(request, "calendars/edit.html", {
        "calendar": calendar, "form": form, "preview_form": preview_form,
        "preview": _preview_of(values, preview_values, calendar),
    }, status=status)


@require_GET
@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """The preview fragment for what the form holds now (nothing is saved), or for a stored calendar."""
    _may_view(request)
    if "hours" in request.GET:
        result = _preview_of(request.GET, request.GET, None)
    else:
        calendar = queries.calendar_for(request.user, _int(request.GET.get("calendar")))
        result = _preview_of_stored(calendar, request.GET)
    return render(request, "calendars/_preview.html", {"preview": result})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _zone_of(calendar: BusinessCalendar | None) -> ZoneInfo:
    """The zone the preview's start is written in: the calendar's, else the new-calendar default."""
    try:
        return business_time.zone(calendar.time_zone if calendar else CalendarForm.NEW["time_zone"])
    except business_time.CalendarError:
        return ZoneInfo("UTC")


def _preview_of(values, preview_values, calendar: BusinessCalendar | None) -> dict:
    """Build the calendar from the form's values and preview it; errors come back as text."""
    try:
        names = business_time.parse_closed_days(values.get("closed_days", ""))
        built = business_time.build(
            hours=values.get("hours", ""), tz=values.get("time_zone", ""), holidays=values.get("holidays", ""),
            closed=names.keys(),
        )
    except business_time.CalendarError as error:
        return {"error": str(error)}
    return _run(built, preview_values, names)


def _preview_of_stored(calendar: BusinessCalendar, preview_values) -> dict:
    try:
        built = services.build(calendar)
    except business_time.CalendarError as error:
        return {"error": str(error)}
    names = {day.date: day.name for day in calendar.closed_days.all()}
    return {**_run(built, preview_values, names), "calendar_id": calendar.pk}


def _run(built: business_time.Calendar, preview_values, names) -> dict:
    form = PreviewForm(preview_values)
    if not form.is_valid():
        return {"error": " ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())}
    try:
        written = form.cleaned_data["start"] or PreviewForm.initial_for(built.tz)["start"]
        start, assumed = services.parse_start(written, built)
        result = services.preview(built, start=start, minutes=form.cleaned_data["minutes"], names=names)
    except business_time.CalendarError as error:
        return {"error": str(error)}
    return {"result": result, "zone": built.tz.key, "assumed_zone": assumed}
