"""The service target settings page (/service-levels/) and a ticket's targets for its sidebar.

Admins edit; agents and leads read the same page without the controls; anyone else is refused (403).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.conversations import queries as ticket_queries

from . import queries, services
from .forms import TARGET_FIELDS, PolicyForm, PreviewForm


def _list_context(user) -> dict:
    return {
        "policies": list(queries.policies_for(user)),
        "can_edit": permissions.can_edit_service_levels(user),
    }


@login_required
def policies(request):
    """Every policy in the order they are tried."""
    return render(request, "service_levels/policies.html", _list_context(request.user))


@require_POST
@login_required
def move(request, policy_id: int):
    """Up or down one place; htmx gets the list back, a plain form the page."""
    policy = queries.policy_for(request.user, policy_id, to_change=True)
    services.move_policy(policy, by=request.user, direction=request.POST.get("direction", ""))
    if request.headers.get("HX-Request") == "true":
        return render(request, "service_levels/_policy_list.html", _list_context(request.user))
    return redirect("service_levels:policies")


def _editor(request, form: PolicyForm, preview_form: PreviewForm, *, policy=None, status: int = 200):
    context = {
        "form": form,
        "preview_form": preview_form,
        "policy": policy,
        "can_edit": permissions.can_edit_service_levels(request.user),
        "preview": _preview(form, preview_form),
        "target_fields": [form[name] for name in TARGET_FIELDS],
    }
    return render(request, "service_levels/policy.html", context, status=status)


def _preview(form: PolicyForm, preview_form: PreviewForm) -> dict | None:
    """Due times for the sample start, from the targets as typed (those that parse)."""
    if preview_form.is_bound and not preview_form.is_valid():
        return None
    data = preview_form.cleaned_data if preview_form.is_bound else {}  # unbound: the default calendar, now
    values = {}
    for name in TARGET_FIELDS:
        field = form.fields[name]
        try:
            values[f"{name}_minutes"] = field.clean(form[name].value())
        except ValidationError:
            continue
    return services.preview(values, team=data.get("preview_team"), start=data.get("preview_start"))


def _preview_form(request) -> PreviewForm:
    return PreviewForm(request.POST if request.method == "POST" else request.GET or None)


@login_required
def new(request):
    if not permissions.can_edit_service_levels(request.user):
        raise PermissionDenied
    return _save(request, None)


@login_required
def edit(request, policy_id: int):
    policy = queries.policy_for(request.user, policy_id, to_change=request.method == "POST")
    return _save(request, policy)


def _save(request, policy):
    preview_form = _preview_form(request)
    if request.method != "POST":
        return _editor(request, PolicyForm(instance=policy), preview_form, policy=policy)
    form = PolicyForm(request.POST, instance=policy)
    if form.is_valid():
        try:
            saved = services.save_policy(policy, by=request.user, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the policy “%(name)s”.") % {"name": saved.name})
            return redirect("service_levels:policies")
    return _editor(request, form, preview_form, policy=policy, status=422)


@login_required
def preview(request):
    """The preview panel alone, recomputed from the form as typed (htmx, on every change)."""
    if not permissions.can_view_service_levels(request.user):
        raise PermissionDenied
    form = PolicyForm(request.POST or None)
    preview_form = _preview_form(request)
    return render(
        request,
        "service_levels/_preview.html",
        {"preview": _preview(form, preview_form), "preview_form": preview_form},
    )


@require_POST
@login_required
def delete(request, policy_id: int):
    policy = queries.policy_for(request.user, policy_id, to_change=True)
    services.delete_policy(policy, by=request.user)
    messages.success(request, _("Deleted the policy “%(name)s”.") % {"name": policy.name})
    return redirect("service_levels:policies")


@login_required
def ticket_targets(request, ticket_id: int):
    """The ticket page's sidebar card: the ticket's target clocks (fetched when the page loads)."""
    ticket = ticket_queries.ticket_for(request.user, ticket_id)
    if not permissions.is_staff_member(request.user):
        raise PermissionDenied
    return render(
        request, "service_levels/_ticket_targets.html", {"ticket": ticket, "targets": queries.targets_of(ticket)}
    )
