"""Reads for the calendar pages: the list and the one calendar, each in a fixed number of queries."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from caredesk.accounts import permissions
from caredesk.accounts.models import Team

from .models import BusinessCalendar


def calendars():
    """Every calendar with its teams (one more query) and its number of closed days."""
    return BusinessCalendar.objects.annotate(closed_count=Count("closed_days", distinct=True)).prefetch_related(
        Prefetch("teams", queryset=Team.objects.order_by("name"))
    )


def teams_on_default():
    """Teams with no calendar of their own: they work to the default one."""
    return Team.objects.filter(calendar__isnull=True).order_by("name")


def calendar_for(user, calendar_id: int, *, to_change: bool = False) -> BusinessCalendar:
    """The one way a page gets a stored calendar; the caller has checked can_view_calendars."""
    if to_change and not permissions.can_edit_calendars(user):
        raise PermissionDenied
    return get_object_or_404(BusinessCalendar, pk=calendar_id)
