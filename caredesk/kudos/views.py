"""Kudos pages: a team's wall, a person's compliments, and the form for compliments received elsewhere.

Walls and people come through queries (404 for what the user may not see); logging is for those
permissions.can_log_kudos allows (403 otherwise). Refused input re-renders the form with its errors,
status 422, and nothing is saved.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from caredesk.accounts import permissions
from caredesk.conversations.views.queue import staff_required

from . import queries, services
from .forms import LogForm


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@staff_required
def wall(request):
    teams = queries.wall_teams(request.user)
    team = queries.wall_team_for(request.user, _int(request.GET.get("team")), teams)
    context = {
        "teams": teams,
        "team": team,
        "my_count": queries.count_for(request.user),
        "can_log": permissions.can_log_kudos(request.user),
    }
    if team is not None:
        context["page"] = queries.wall_page(team, request.GET.get("page"))
        context["top"] = queries.top_people(team)
    return render(request, "kudos/wall.html", context)


@staff_required
def person(request, person_id: int):
    person = queries.person_for(request.user, person_id)
    context = {
        "person": person,
        "count": queries.count_for(person, viewer=request.user),
        "page": queries.person_page(person, viewer=request.user, page_number=request.GET.get("page")),
        "is_me": person.pk == request.user.pk,
        "can_log": permissions.can_log_kudos(request.user),
    }
    return render(request, "kudos/person.html", context)


@staff_required
def log(request):
    if not permissions.can_log_kudos(request.user):
        raise PermissionDenied
    people = queries.praisable_people(request.user)
    teams = queries.wall_teams(request.user)
    initial = {"person": _int(request.GET.get("person"))}
    form = LogForm(request.POST or None, user=request.user, people=people, teams=teams, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                kudos = services.log_compliment(
                    person=data["person"], text=data["text"], source=data["source"], by=request.user,
                    team=data["team"], ticket=data["ticket"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Compliment logged for %(person)s.") % {"person": kudos.person})
                return redirect(f"{reverse('kudos:wall')}?team={kudos.team_id}")
        return render(request, "kudos/log.html", {"form": form}, status=422)
    return render(request, "kudos/log.html", {"form": form})
