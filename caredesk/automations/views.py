"""The automation pages: the list of rules, the rule editor with its htmx rows, and dry runs.

Leads read everything and may dry-run; only admins change rules (queries.rule_for and
permissions.can_edit_automations); everyone else gets 403. Refused input re-renders the editor with
its errors (422) and saves nothing. A dry run never writes.
"""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from caredesk.accounts import permissions

from . import forms, queries, rules, services
from .models import Rule


def _require_editor(user) -> None:
    if not permissions.can_edit_automations(user):
        raise PermissionDenied


def _editor_context(request, rule: Rule | None, values: dict, *, errors: dict | None = None) -> dict:
    choices = forms.Choices.load()
    conditions = [forms.condition_row(i, row, choices) for i, row in enumerate(values["conditions"])]
    actions = [forms.action_row(i, row, choices) for i, row in enumerate(values["actions"] or [{}])]
    return {
        "rule": rule,
        "values": values,
        "errors": errors or {},
        "conditions": conditions,
        "actions": actions,
        "event_kinds": rules.EVENT_KINDS,
        "kinds": Rule.Kind.choices,
        "can_edit": permissions.can_edit_automations(request.user),
        "runs": queries.latest_runs(rule) if rule is not None and rule.pk else [],
    }


def _stored_values(rule: Rule) -> dict:
    return {
        field: getattr(rule, field)
        for field in ("name", "description", "enabled", "position", "kind", "event_kinds", "conditions", "actions")
    }


@require_GET
@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rule_rows = list(queries.rules_for(request.user))
    return render(
        request,
        "automations/rules.html",
        {"rules": rule_rows, "can_edit": permissions.can_edit_automations(request.user), "event_labels": dict(rules.EVENT_KINDS)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def new_rule(request: HttpRequest) -> HttpResponse:
    _require_editor(request.user)
    if request.method == "GET":
        values = {"name": "", "description": "", "enabled": True, "position": Rule.objects.count(), "kind": "on_event",
                  "event_kinds": ["created"], "conditions": [], "actions": [{}]}
        return render(request, "automations/rule.html", _editor_context(request, None, values))
    values = forms.rule_values(request.POST)
    try:
        rule = services.save_rule(None, by=request.user, **values)
    except ValidationError as error:
        context = _editor_context(request, None, values, errors=error.message_dict)
        return render(request, "automations/rule.html", context, status=422)
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
    return redirect(rule)


@require_http_methods(["GET", "POST"])
@login_required
def rule_page(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = queries.rule_for(request.user, rule_id, to_change=request.method == "POST")
    if request.method == "GET":
        return render(request, "automations/rule.html", _editor_context(request, rule, _stored_values(rule)))
    values = forms.rule_values(request.POST)
    try:
        rule = services.save_rule(rule, by=request.user, **values)
    except ValidationError as error:
        context = _editor_context(request, rule, values, errors=error.message_dict)
        return render(request, "automations/rule.html", context, status=422)
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
    return redirect(rule)


@require_POST
@login_required
def toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = queries.rule_for(request.user, rule_id, to_change=True)
    rule = services.set_enabled(rule, enabled=request.POST.get("enabled") == "on", by=request.user)
    return render(
        request, "automations/_rule_row.html", {"rule": rule, "can_edit": True, "event_labels": dict(rules.EVENT_KINDS)}
    )


@require_POST
@login_required
def delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = queries.rule_for(request.user, rule_id, to_change=True)
    services.delete_rule(rule, by=request.user)
    messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("automations:list")


@require_POST
@login_required
def dry_run(request: HttpRequest, rule_id: int | None = None) -> HttpResponse:
    """What the rule in the editor would touch. Admins try what they have typed (saved or not); leads,
    who cannot type, try the saved rule."""
    rule = queries.rule_for(request.user, rule_id) if rule_id is not None else None
    if rule is None:
        _require_editor(request.user)
    draft = rule
    if permissions.can_edit_automations(request.user):
        try:
            draft = services.cleaned(rule=rule, **forms.rule_values(request.POST))
        except ValidationError as error:
            errors = [message for messages_ in error.message_dict.values() for message in messages_]
            return render(request, "automations/_dry_run.html", {"errors": errors}, status=422)
    return render(request, "automations/_dry_run.html", {"result": queries.dry_run(draft), "draft": draft})


@require_GET
@login_required
def row(request: HttpRequest, kind: str) -> HttpResponse:
    """One condition or action row: a new one, or one redrawn for the field/action/operator chosen."""
    _require_editor(request.user)
    if kind not in ("condition", "action"):
        raise Http404
    found = forms.rows(request.GET, "conditions" if kind == "condition" else "actions")
    # A new row's index follows every row on the page: the form posts rows in index order.
    index, values = found[0] if found else (int(time.time() * 1000), {})
    choices = forms.Choices.load()
    shown = forms.condition_row(index, values, choices) if kind == "condition" else forms.action_row(index, values, choices)
    return render(request, "automations/_row.html", {"row": shown, "can_edit": True})


app_name = "automations"
urlpatterns = [
    path("", rule_list, name="list"),
    path("new/", new_rule, name="new"),
    path("dry-run/", dry_run, name="dry_run_new"),
    path("rows/<str:kind>/", row, name="row"),
    path("<int:rule_id>/", rule_page, name="rule"),
    path("<int:rule_id>/enabled/", toggle, name="toggle"),
    path("<int:rule_id>/delete/", delete, name="delete"),
    path("<int:rule_id>/dry-run/", dry_run, name="dry_run"),
]
