"""The routing settings page and the availability switch in the top bar."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from caredesk.accounts import permissions

from . import queries, services
from .forms import AgentSettingsForm, AvailabilityForm, RoutingForm


@login_required
def routing(request):
    """Each team's routing and its agents: status, open tickets against capacity, working now."""
    panels = queries.routing_page(request.user)
    return render(request, "assignment/routing.html", {"panels": panels})


def _panel(request, team_id: int, *, status: int = 200, **extra):
    context = {"panel": queries.team_panel(request.user, team_id), **extra}
    return render(request, "assignment/_team_panel.html", context, status=status)


@require_POST
@login_required
def configure(request, team_id: int):
    team = queries.team_to_manage(request.user, team_id)
    form = RoutingForm(request.POST)
    if form.is_valid():
        try:
            services.configure(team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:  # re-render the panel with the errors; nothing changed
        return _panel(request, team.pk, status=422, routing_form=form)
    return _panel(request, team.pk, saved=True)


@require_POST
@login_required
def agent_settings(request, team_id: int, agent_id: int):
    team = queries.team_to_manage(request.user, team_id)
    agent = queries.agent_of(team, agent_id)
    form = AgentSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.set_agent_settings(agent, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        return _panel(request, team.pk, status=422, agent_form=form, agent_form_for=agent.pk)
    return _panel(request, team.pk)


@require_http_methods(["GET", "POST"])
@login_required
def availability(request):
    """The switch: GET shows it (loaded by the top bar), POST changes it and shows it again."""
    switch = permissions.can_set_availability(request.user)
    if not (switch or (request.method == "GET" and permissions.can_view_routing(request.user))):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            services.set_availability(request.user, status=form.cleaned_data["status"], by=request.user)
        else:
            error = "Choose Available, Away or Offline."
    return render(
        request,
        "assignment/_availability.html",
        {"switch": switch, "status": queries.availability_of(request.user) if switch else "", "error": error},
        status=422 if error else 200,
    )
