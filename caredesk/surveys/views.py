"""Survey pages: the answer page behind the email's links (no log-in), the portal's answer form, the
response rates, the follow-ups and the settings.

Answer links are checked by links.survey_for: a forged or edited link is a 400 page that changes
nothing. Opening a link records nothing by itself (mail scanners open every link of an email): the
page sends the answer with one request as it loads in a browser, or with its button without
JavaScript. See docs/surveys.md.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from caredesk.accounts import permissions
from caredesk.accounts.models import Team
from caredesk.conversations.views.queue import staff_required
from caredesk.portal.views import customer_required

from . import links, queries, services
from .forms import FollowUpForm, RatesForm, SettingsForm
from .models import FollowUp


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def answer(request, token: str):
    """GET: the page for the clicked score (recording it as it loads). POST: record or change the
    answer and comment. 400 for a bad link, 422 for a bad score or comment (nothing saved)."""
    try:
        link = links.survey_for(token)
    except links.BadLink:
        return render(request, "surveys/bad_link.html", status=400)
    survey = link.survey
    context = {"survey": survey, "token": token, "chosen": link.score, "htmx": request.headers.get("HX-Request") == "true"}
    if request.method == "POST":
        comment = request.POST.get("comment") if "comment" in request.POST else None
        try:
            survey = services.answer(survey, score=request.POST.get("score", link.score), comment=comment)
        except ValidationError as error:
            context.update(error=_errors(error), comment=comment or "", chosen=request.POST.get("score", link.score))
            status = 200 if not survey.can_change() else 422
            template = "surveys/_answer.html" if context["htmx"] else "surveys/answer.html"
            return render(request, template, context, status=status)
        context.update(survey=survey, chosen=survey.score, saved=True)
        template = "surveys/_answer.html" if context["htmx"] else "surveys/answer.html"
        return render(request, template, context)
    return render(request, "surveys/answer.html", context)


@require_POST
@customer_required
def portal_answer(request, survey_id: int):
    """The customer answers (or changes) a survey on their ticket in the portal."""
    survey = queries.survey_for_customer(request.user, survey_id)
    comment = request.POST.get("comment") if "comment" in request.POST else None
    error = None
    try:
        services.answer(survey, score=request.POST.get("score"), comment=comment, by=request.user)
    except ValidationError as exc:
        error = _errors(exc)
    if request.headers.get("HX-Request") != "true" and error is None:
        return redirect("portal:ticket", survey.ticket_id)
    context = {"ticket": survey.ticket, "surveys": queries.of_ticket(survey.ticket), "error": error, "error_survey": survey.pk,
               "saved": survey.pk if error is None else None}
    return render(request, "surveys/_portal_surveys.html", context, status=422 if error else 200)


@staff_required
def rates(request):
    if not permissions.can_see_survey_rates(request.user):
        raise PermissionDenied
    teams = queries.rate_teams(request.user)
    form = RatesForm(request.GET or None, teams=teams)
    team, days = None, 30
    if form.is_bound and form.is_valid():
        team = form.teams.get(form.cleaned_data["team"]) if form.cleaned_data["team"] else None
        days = form.cleaned_data["days"] or 30
    context = {"form": form, "team": team, **queries.rates(request.user, team=team, days=days, teams=teams)}
    template = "surveys/_rates.html" if request.headers.get("HX-Request") == "true" else "surveys/rates.html"
    return render(request, template, context)


@staff_required
def nav_count(request):
    """The nav link's badge: open follow-ups for the viewer (cached per person, queries.open_follow_up_count)."""
    count = queries.open_follow_up_count(request.user)
    shown = f"{queries.NAV_COUNT_LIMIT}+" if count > queries.NAV_COUNT_LIMIT else count
    return render(request, "surveys/_nav_count.html", {"count": count, "shown": shown})


@staff_required
def follow_ups(request):
    if not permissions.can_see_survey_rates(request.user):
        raise PermissionDenied
    state = request.GET.get("state", FollowUp.State.OPEN)
    rows = queries.follow_ups(request.user, state=state)
    return render(request, "surveys/follow_ups.html", {"rows": rows, "state": state, "form": FollowUpForm()})


@require_POST
@staff_required
def handle(request, follow_up_id: int):
    follow_up = queries.follow_up_for(request.user, follow_up_id)
    if not permissions.can_handle_follow_up(request.user, follow_up):
        raise PermissionDenied
    form = FollowUpForm(request.POST)
    error = None
    if form.is_valid():
        try:
            follow_up = services.handle(follow_up, by=request.user, note=form.cleaned_data["note"])
            queries.forget_count(request.user)
        except ValidationError as exc:
            error = _errors(exc)
    else:
        error = " ".join(e for errors in form.errors.values() for e in errors)
    if request.headers.get("HX-Request") != "true" and error is None:
        return redirect("surveys:follow_ups")
    follow_up = queries.follow_up_for(request.user, follow_up.pk)
    return render(
        request, "surveys/_follow_up.html", {"row": follow_up, "form": form if error else FollowUpForm(), "error": error},
        status=422 if error else 200,
    )


@staff_required
def settings_page(request):
    """One page for every team: the default, and a team's own settings when it has them."""
    if not permissions.can_edit_survey_settings(request.user):
        raise PermissionDenied
    teams = list(Team.objects.order_by("name"))
    team = None
    if team_id := request.GET.get("team"):
        try:
            team = next(t for t in teams if t.pk == int(team_id))
        except (StopIteration, ValueError):
            raise Http404 from None
    own = services.SurveySettings.objects.filter(team=team).first()
    current = own or services.settings_for(team)
    if request.method == "POST":
        if team is not None and request.POST.get("action") == "use_default":
            services.use_default(team)
            return redirect(reverse("surveys:settings") + f"?team={team.pk}")
        form = SettingsForm(request.POST, instance=own or services.SurveySettings(team=team))
        if form.is_valid():
            services.save_settings(team, by=request.user, **{name: form.cleaned_data[name] for name in form.Meta.fields})
            return redirect(reverse("surveys:settings") + (f"?team={team.pk}" if team else "") + "#saved")
        status = 422
    else:
        initial = {name: getattr(current, name) for name in SettingsForm.Meta.fields}
        form = SettingsForm(initial=initial)
        status = 200
    own_teams = set(services.SurveySettings.objects.filter(team__isnull=False).values_list("team_id", flat=True))
    return render(
        request, "surveys/settings.html",
        {"form": form, "team": team, "teams": teams, "own": own is not None, "own_teams": own_teams},
        status=status,
    )
