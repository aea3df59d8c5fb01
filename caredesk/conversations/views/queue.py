"""Queue pages: the built-in views, saved views, search and bulk actions.

/tickets/ lists one view (built-in, saved, or "all" where search lands) narrowed by the filter bar,
a keyset page at a time. htmx requests get only the results fragment (_queue_rows.html), which the
full page includes too, so the page works without JavaScript and its URL is always shareable.
"""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions

from .. import queries, services
from ..forms.queue import BulkActionForm, QueueFilterForm, SavedViewForm, stored_filters

ALL = "all"  # every status of every visible ticket: where search lands without a view
TICKET_NUMBER = re.compile(r"^#?(\d{1,18})$")
VIEW_ICONS = {"mine": "bi-person", "teams": "bi-people", "unassigned": "bi-inbox", "open": "bi-folder2-open"}


def staff_required(view):
    """Pages of the agent workspace: staff only (customers have the portal)."""

    @login_required
    def wrapped(request, *args, **kwargs):
        if not permissions.is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _wants_fragment(request) -> bool:
    # htmx asks for the whole page when it restores history it no longer holds.
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _queue_url(querystring: str = "") -> str:
    url = reverse("conversations:queue")
    return f"{url}?{querystring}" if querystring else url


def _view_of(user, params):
    """The view named by the request: ("saved", SavedView), or a built-in name or ALL with None."""
    if saved_id := params.get("saved"):
        if not saved_id.isascii() or not saved_id.isdigit():
            raise Http404
        return "saved", queries.saved_view_for(user, int(saved_id))
    view = params.get("view") or (ALL if params.get("q", "").strip() else "open")
    return (view if view in queries.BUILTIN_VIEWS or view == ALL else "open"), None


def _default_sort(saved) -> str:
    sort = saved.filters.get("sort") if saved else None
    return sort if sort in queries.SORTS else queries.DEFAULT_SORT


def _sort(params, saved) -> str:
    sort = params.get("sort")
    return sort if sort in queries.SORTS else _default_sort(saved)


def _tickets(user, view: str, saved, filters: dict):
    if saved is not None:
        return queries.queue(user, saved=saved, filters=filters)
    if view == ALL:
        return queries.apply_filters(queries.visible(user), filters, user=user)
    return queries.queue(user, view=view, filters=filters)


def _querystring(params, *, view: str, saved, sort: str) -> str:
    """The view, its filters and its sort, without empty fields or a page cursor: a shareable link."""
    pairs = [("saved", saved.pk)] if saved else [("view", view)]
    for key in QueueFilterForm.base_fields:
        pairs += [(key, value) for value in params.getlist(key) if value]
    if sort != _default_sort(saved):
        pairs.append(("sort", sort))
    return urlencode(pairs)


def _shown(count: int) -> str:
    return f"{queries.COUNT_LIMIT}+" if count > queries.COUNT_LIMIT else str(count)


def _sidebar(user, view: str, saved, *, fresh: bool = False) -> dict:
    saved_views = list(queries.saved_views_for(user).select_related("owner"))
    counts = queries.view_counts(user, saved_views, fresh=fresh)
    views = [
        {
            "label": label,
            "url": _queue_url(urlencode({"view": name})),
            "count": _shown(counts[name]),
            "icon": VIEW_ICONS[name],
            "active": saved is None and view == name,
        }
        for name, label in queries.BUILTIN_VIEWS.items()
    ]
    views.append(
        {
            "label": _("All tickets"),
            "url": _queue_url(urlencode({"view": ALL})),
            "count": None,  # every ticket ever: not worth a count on every page
            "icon": "bi-archive",
            "active": saved is None and view == ALL,
        }
    )
    return {
        "views": views,
        "saved_views": [
            {
                "view": item,
                "url": _queue_url(urlencode({"saved": item.pk})),
                "count": _shown(counts[f"saved-{item.pk}"]),
                "mine": item.owner_id == user.pk,
                "active": saved is not None and saved.pk == item.pk,
            }
            for item in saved_views
        ],
    }


def _title(view: str, saved, params) -> str:
    if saved is not None:
        return saved.name
    if view == ALL:
        return _("Search results") if params.get("q", "").strip() else _("All tickets")
    return str(queries.BUILTIN_VIEWS[view])


def _choices(user):
    teams = queries.teams_for(user)
    return teams, list(queries.agents_of(teams))


def _context(
    request, params, *, fragment: bool = False, sidebar: bool = False, choices=None, **forms
) -> dict:
    """Everything the queue page (or its results fragment) shows for `params`, in a fixed number
    of queries. `forms` are bound forms to show with their errors instead of blank ones."""
    user = request.user
    view, saved = _view_of(user, params)
    teams, agents = choices or _choices(user)
    filter_form = QueueFilterForm(params, teams=teams, agents=agents)
    sort = _sort(params, saved)
    page = None
    if filter_form.is_valid():  # bad input lists nothing: the errors say what to fix
        tickets = queries.queue_page_rows(_tickets(user, view, saved, filter_form.cleaned_data))
        page = queries.keyset_page(
            tickets,
            sort=sort,
            after=params.get("after", ""),
            before=params.get("before", ""),
            size=queries.PAGE_SIZE,
        )
        queries.with_tag_names(page.rows)
    querystring = _querystring(params, view=view, saved=saved, sort=sort)
    cursor = [(key, params[key]) for key in ("after", "before") if params.get(key)][:1]
    can_bulk = permissions.can_work(user)
    bulk_form = forms.get("bulk_form") or (
        BulkActionForm(agents=agents, auto_id="bulk-%s") if can_bulk else None
    )
    context = {
        "fragment": fragment,
        "view": view,
        "saved": saved,
        "title": _title(view, saved, params),
        "filter_form": filter_form,
        "sort": sort,
        "sorts": queries.SORTS.items(),
        "page": page,
        "querystring": querystring,
        "current_query": f"{querystring}&{urlencode(cursor)}" if cursor else querystring,
        "clear_url": _queue_url(urlencode({"saved": saved.pk} if saved else {"view": view})),
        "can_bulk": can_bulk,
        "bulk_form": bulk_form,
        "bulk_message": forms.get("bulk_message", ""),
        "selected": set(bulk_form.data.getlist("tickets"))
        if bulk_form is not None and bulk_form.is_bound
        else set(),
        "save_form": forms.get("save_form") or SavedViewForm(owner=user, auto_id="save-%s"),
    }
    if page is not None:
        if page.next_cursor:
            context["next_url"] = _queue_url(f"{querystring}&{urlencode({'after': page.next_cursor})}")
        if page.previous_cursor:
            context["previous_url"] = _queue_url(
                f"{querystring}&{urlencode({'before': page.previous_cursor})}"
            )
    if saved is not None:
        sorted_by = _("Sorted by: %(sort)s") % {"sort": queries.SORTS[_default_sort(saved)]}
        context["saved_summary"] = [*filter_form.describe(saved.filters), sorted_by]
        if saved.owner_id == user.pk:
            context["edit_form"] = forms.get("edit_form") or SavedViewForm(
                instance=saved, owner=user, prefix="edit", auto_id="edit-%s"
            )
    if sidebar or not fragment:
        # An answer that sends the sidebar along after a change (sidebar=True) shows fresh counts.
        context["sidebar"] = _sidebar(user, view, saved, fresh=sidebar)
    return context


def _render(request, params, **forms):
    fragment = _wants_fragment(request)
    template = "conversations/_queue_rows.html" if fragment else "conversations/queue.html"
    response = render(request, template, _context(request, params, fragment=fragment, **forms))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _ticket_number_jump(request) -> str | None:
    """Search for "#123" or "123" from the navigation bar opens that ticket, if the person may see it."""
    params = request.GET
    if _wants_fragment(request) or "view" in params or "saved" in params:
        return None
    match = TICKET_NUMBER.match(params.get("q", "").strip())
    if match is None or any(params.get(key) for key in QueueFilterForm.base_fields if key != "q"):
        return None
    ticket = queries.visible(request.user).filter(pk=int(match[1])).only("pk").first()
    return ticket.get_absolute_url() if ticket else None


@staff_required
def queue(request):
    """A queue view with filters, a sort and a page cursor, all in the URL."""
    if url := _ticket_number_jump(request):
        return redirect(url)
    return _render(request, request.GET)


@require_POST
@staff_required
def bulk(request):
    """One change to the selected tickets, all or nothing. Answers with the refreshed rows, which
    come from `next` (the query string of the page the selection was made on)."""
    if not permissions.can_work(request.user):
        raise PermissionDenied
    params = QueryDict(request.POST.get("next", ""))
    _view_of(request.user, params)  # a page the person may not see is 404 before anything changes
    choices = _choices(request.user)
    form = BulkActionForm(request.POST, agents=choices[1], auto_id="bulk-%s")
    if form.is_valid():
        tickets = queries.tickets_for(request.user, form.cleaned_data["tickets"], to_change=True)
        before = {ticket.pk: ticket.updated_at for ticket in tickets}
        try:
            done = services.bulk_update(
                tickets,
                by=request.user,
                owner=form.cleaned_data["owner"],
                status=form.cleaned_data["status"] or None,
                add_tags=form.cleaned_data["tags"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            changed = sum(1 for ticket in done if ticket.updated_at != before[ticket.pk])
            if changed:
                note = ngettext("%(count)d ticket changed.", "%(count)d tickets changed.", changed) % {
                    "count": changed
                }
            else:
                note = _("Nothing changed: the selected tickets already had these values.")
            if not _wants_fragment(request):
                messages.success(request, note)
                return redirect(_queue_url(params.urlencode()))
            # The sidebar's counts move too (a ticket leaves "Unassigned"): sent along out of band.
            return _render(request, params, choices=choices, bulk_message=note, sidebar=True)
    return _render(request, params, choices=choices, bulk_form=form)


@require_POST
@staff_required
def save_view(request):
    """Keep the current view, its filters and sort under a name (SavedView.filters)."""
    params = QueryDict(request.POST.get("params", ""))
    choices = _choices(request.user)
    form = SavedViewForm(request.POST, owner=request.user, auto_id="save-%s")
    filter_form = QueueFilterForm(params, teams=choices[0], agents=choices[1])
    if not filter_form.is_valid():
        form.add_error(None, _("Fix the filters before saving the view."))
    if not form.is_valid():
        return render(
            request, "conversations/queue.html", _context(request, params, choices=choices, save_form=form)
        )
    view, saved = _view_of(request.user, params)
    base = saved.filters if saved else queries.builtin_filters(request.user, view)
    form.instance.owner = request.user
    form.instance.filters = stored_filters(filter_form.cleaned_data, base=base, sort=_sort(params, saved))
    created = form.save()
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": created.name})
    return redirect(_queue_url(urlencode({"saved": created.pk})))


@require_POST
@staff_required
def update_saved_view(request, view_id: int):
    """Rename a saved view or change its sharing; only its owner may (others get 404)."""
    saved = queries.saved_view_for(request.user, view_id, to_change=True)
    form = SavedViewForm(request.POST, instance=saved, owner=request.user, prefix="edit", auto_id="edit-%s")
    if not form.is_valid():
        params = QueryDict(urlencode({"saved": view_id}))
        return render(request, "conversations/queue.html", _context(request, params, edit_form=form))
    form.save()
    messages.success(request, _("Saved the view “%(name)s”.") % {"name": saved.name})
    return redirect(_queue_url(urlencode({"saved": saved.pk})))


@require_POST
@staff_required
def delete_saved_view(request, view_id: int):
    saved = queries.saved_view_for(request.user, view_id, to_change=True)
    saved.delete()
    messages.success(request, _("Deleted the view “%(name)s”.") % {"name": saved.name})
    return redirect("conversations:queue")


urlpatterns = [
    path("", queue, name="queue"),
    path("bulk/", bulk, name="bulk"),
    path("views/", save_view, name="save_view"),
    path("views/<int:view_id>/", update_saved_view, name="update_saved_view"),
    path("views/<int:view_id>/delete/", delete_saved_view, name="delete_saved_view"),
]
