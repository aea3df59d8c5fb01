"""The calendar settings pages: admins edit, leads and agents read, everyone else is refused."""

from datetime import date, datetime, timezone

import pytest
from django.core.cache import caches

from caredesk.accounts.models import Team
from caredesk.calendars import services
from caredesk.calendars.models import BusinessCalendar, ClosedDay
from caredesk.system import clock

pytestmark = pytest.mark.django_db

FORM = {
    "name": "UK office", "hours": "mon-fri 08:00-18:00\nsat 09:00-13:00", "time_zone": "Europe/London",
    "holidays": "gb-eng", "closed_days": "2026-12-24 Christmas Eve\n2026-12-31 Stocktake", "is_default": "on",
    "minutes": "60", "start": "2026-12-23T17:30",
}


@pytest.fixture
def office(billing):
    calendar = BusinessCalendar.objects.create(
        name="UK office", hours="mon-fri 08:00-18:00\nsat 09:00-13:00", time_zone="Europe/London", holidays="GB-ENG",
        is_default=True,
    )
    ClosedDay.objects.create(calendar=calendar, date=date(2026, 12, 24), name="Christmas Eve")
    billing.calendar = calendar
    billing.save()
    return calendar


@pytest.fixture(autouse=True)
def late_november():
    with clock.travel_to(datetime(2026, 11, 27, 16, 0, tzinfo=timezone.utc)):
        yield


# --- Who may do what ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, office):
    for url in ("/calendars/", f"/calendars/{office.pk}/", "/calendars/new", "/calendars/preview?hours=x"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("person", ["miggins", "sam"])
def test_customers_and_sales_are_refused_every_calendar_page(client, office, person, request):
    user = request.getfixturevalue(person)
    client.force_login(getattr(user, "user", user))
    for url in ("/calendars/", f"/calendars/{office.pk}/", "/calendars/new", f"/calendars/preview?calendar={office.pk}"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/calendars/{office.pk}/", {**FORM, "name": "Hijacked"}).status_code == 403
    assert client.post("/calendars/new", {**FORM, "name": "Hijacked"}).status_code == 403
    assert not BusinessCalendar.objects.filter(name="Hijacked").exists()


@pytest.mark.parametrize("person", ["alice", "lena"])
def test_agents_and_leads_read_calendars_but_cannot_change_them(client, office, person, request):
    client.force_login(request.getfixturevalue(person))
    listing = client.get("/calendars/")
    assert listing.status_code == 200
    assert b"New calendar" not in listing.content
    page = client.get(f"/calendars/{office.pk}/")
    assert page.status_code == 200
    assert b"Only an admin can change a calendar." in page.content
    assert b'name="hours"' not in page.content
    assert client.get("/calendars/new").status_code == 403
    assert client.post("/calendars/new", {**FORM, "name": "Night shift"}).status_code == 403
    assert client.post(f"/calendars/{office.pk}/", {**FORM, "hours": "mon 09:00-10:00"}).status_code == 403
    office.refresh_from_db()
    assert office.hours == "mon-fri 08:00-18:00\nsat 09:00-13:00"
    assert not BusinessCalendar.objects.filter(name="Night shift").exists()


def test_an_agent_previews_a_stored_calendar(client, office, alice):
    client.force_login(alice)
    response = client.get("/calendars/preview", {"calendar": office.pk, "minutes": 120, "start": "2026-12-23T17:00"})
    assert response.status_code == 200
    assert b"2026-12-29T09:00:00+00:00" in response.content


def test_an_unknown_calendar_is_404(client, ada):
    client.force_login(ada)
    assert client.get("/calendars/999/").status_code == 404
    assert client.get("/calendars/preview?calendar=999").status_code == 404


# --- The list ----------------------------------------------------------------------------------------


def test_the_list_shows_each_calendar_with_its_teams(client, office, ada, billing, deliveries):
    client.force_login(ada)
    content = client.get("/calendars/").content.decode()
    assert "UK office" in content and "Default" in content
    assert "Billing" in content
    assert "by default: Deliveries" in content


def test_the_list_queries_do_not_grow_with_calendars_and_teams(client, ada, django_assert_num_queries):
    client.force_login(ada)
    for count in (2, 12):
        for n in range(count):
            calendar = BusinessCalendar.objects.create(
                name=f"Calendar {count}-{n}", hours="mon 09:00-17:00", is_default=not BusinessCalendar.objects.exists()
            )
            ClosedDay.objects.create(calendar=calendar, date=date(2026, 12, 24))
            Team.objects.create(name=f"Team {count}-{n}", calendar=calendar)
            Team.objects.create(name=f"Team {count}-{n} spare")
        # session, user, calendars with closed-day counts, their teams, teams on the default calendar, the
        # escalations waiting for the viewer (nav link)
        caches["local"].clear()  # the nav link's count of escalations is cached; count it every time
        with django_assert_num_queries(6):
            assert client.get("/calendars/").status_code == 200


# --- Creating and editing ----------------------------------------------------------------------------


def test_ada_creates_a_calendar_with_closed_days_and_teams(client, ada, billing, deliveries):
    client.force_login(ada)
    response = client.post("/calendars/new", {**FORM, "teams": [billing.pk, deliveries.pk]})
    assert response.status_code == 302 and response.url == "/calendars/"
    calendar = BusinessCalendar.objects.get(name="UK office")
    assert (calendar.holidays, calendar.is_default) == ("GB-ENG", True)
    assert [(d.date, d.name) for d in calendar.closed_days.all()] == [
        (date(2026, 12, 24), "Christmas Eve"), (date(2026, 12, 31), "Stocktake"),
    ]
    assert set(calendar.teams.all()) == {billing, deliveries}
    # The targets use it at once: Dec 23 17:30 + 1h is 08:30 on the 29th (24th closed, holidays, Sunday, 28th).
    built = services.calendar_for(billing)
    assert services.due(built, start=datetime(2026, 12, 23, 17, 30, tzinfo=timezone.utc), minutes=60).isoformat() == (
        "2026-12-29T08:30:00+00:00"
    )


def test_ada_edits_hours_and_the_teams_calendar_changes_at_once(client, ada, office, billing, deliveries):
    client.force_login(ada)
    start = datetime(2026, 11, 27, 17, 30, tzinfo=timezone.utc)
    assert services.due(services.calendar_for(billing), start=start, minutes=60).isoformat() == "2026-11-28T09:30:00+00:00"
    form = {**FORM, "hours": "mon-fri 09:00-17:30", "closed_days": "", "teams": [deliveries.pk]}
    assert client.post(f"/calendars/{office.pk}/", form).status_code == 302
    billing.refresh_from_db()
    deliveries.refresh_from_db()
    assert (billing.calendar_id, deliveries.calendar_id) == (None, office.pk)
    assert office.closed_days.count() == 0
    # Billing is now on the default, which is this calendar: closed from Friday 17:30 to Monday 09:00.
    assert services.due(services.calendar_for(billing), start=start, minutes=60).isoformat() == "2026-11-30T10:00:00+00:00"


def test_a_new_default_takes_over_from_the_old(client, ada, office):
    client.force_login(ada)
    assert client.post("/calendars/new", {**FORM, "name": "Weekend cover", "hours": "sat-sun 10:00-16:00"}).status_code == 302
    assert list(BusinessCalendar.objects.filter(is_default=True).values_list("name", flat=True)) == ["Weekend cover"]


@pytest.mark.parametrize("change, field, message", [
    ({"hours": "mon-fri"}, "hours", "&#x27;mon-fri&#x27;: write the days, then the hours, e.g. &#x27;mon-fri 09:00-17:30&#x27;."),
    ({"hours": ""}, "hours", "This field is required."),
    ({"time_zone": "Europe/Londres"}, "time_zone", "&#x27;Europe/Londres&#x27; is not a time zone"),
    ({"holidays": "GB-XX"}, "holidays", "&#x27;GB-XX&#x27;: GB has no subdivision &#x27;XX&#x27;"),
    ({"closed_days": "Christmas"}, "closed_days", "write a closed day as a date, then its name"),
    ({"name": "  "}, "name", "This field is required."),
])
def test_bad_input_is_shown_inline_and_nothing_is_saved(client, ada, office, change, field, message):
    client.force_login(ada)
    before = (list(BusinessCalendar.objects.values()), list(ClosedDay.objects.values()))
    response = client.post(f"/calendars/{office.pk}/", {**FORM, **change})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert f'name="{field}"' in response.content.decode()
    assert (list(BusinessCalendar.objects.values()), list(ClosedDay.objects.values())) == before


def test_a_second_calendar_cannot_take_a_name_in_use(client, ada, office):
    client.force_login(ada)
    response = client.post("/calendars/new", {**FORM, "name": "uk OFFICE"})
    assert response.status_code == 422
    assert "There is already a calendar called uk OFFICE." in response.content.decode()
    assert BusinessCalendar.objects.count() == 1


# --- The preview --------------------------------------------------------------------------------------


def test_the_edit_page_shows_the_preview_of_what_is_stored(client, ada, office):
    client.force_login(ada)
    content = client.get(f"/calendars/{office.pk}/").content.decode()
    # Now is Friday 27 November 16:00: the next quarter hour plus an hour of work is 17:00.
    assert "2026-11-27T17:00:00+00:00" in content
    assert "Christmas Eve" in content  # the next closed days


def test_the_preview_follows_the_form_without_saving(client, ada, office):
    client.force_login(ada)
    response = client.get("/calendars/preview", {**FORM, "hours": "mon-fri 10:00-12:00", "start": "2026-12-23T11:30"})
    content = response.content.decode()
    # Wed 23rd 11:30-12:00, 24th and 31st closed, 25th/28th holidays: 29th 10:00-10:30.
    assert "2026-12-29T10:30:00+00:00" in content
    assert "start read in Europe/London" in content
    assert "Closed: Christmas Eve" in content and "Closed: Christmas Day" in content
    assert "Boxing Day (observed)" in content and "Stocktake" in content
    office.refresh_from_db()
    assert office.hours == "mon-fri 08:00-18:00\nsat 09:00-13:00"


def test_the_preview_shows_the_week_in_the_calendars_zone_across_a_dst_change(client, ada):
    client.force_login(ada)
    response = client.get("/calendars/preview", {
        "hours": "mon-sun 00:30-02:30", "time_zone": "Europe/London", "holidays": "", "closed_days": "",
        "minutes": "60", "start": "2026-03-29T00:30",
    })
    content = response.content.decode()
    assert "2026-03-29T02:30:00+01:00" in content
    assert "Sun 29 Mar</th>\n        <td>00:30–02:30" in content


@pytest.mark.parametrize("change, message", [
    ({"hours": "whenever"}, "&#x27;whenever&#x27;: write the days, then the hours"),
    ({"time_zone": "Mars/Olympus"}, "&#x27;Mars/Olympus&#x27; is not a time zone"),
    ({"minutes": "-1"}, "A target of: Ensure this value is greater than or equal to 0."),
    ({"start": "soon"}, "&#x27;soon&#x27; is not an ISO 8601 date and time"),
])
def test_the_preview_shows_errors_inline(client, ada, change, message):
    client.force_login(ada)
    response = client.get("/calendars/preview", {**FORM, **change})
    assert response.status_code == 200
    assert 'id="preview-error"' in response.content.decode()
    assert message in response.content.decode()


def test_teams_on_another_calendar_say_so_before_they_are_moved(client, ada, office, billing, deliveries):
    client.force_login(ada)
    assert "Billing (now: UK office)" in client.get("/calendars/new").content.decode()
    edit = client.get(f"/calendars/{office.pk}/").content.decode()
    assert "Billing (now:" not in edit and "Billing</label>" in edit


def test_the_django_admin_edits_calendars_with_their_closed_days_inline(client, ada, office):
    client.force_login(ada)
    assert client.get("/admin/calendars/businesscalendar/").status_code == 200
    page = client.get(f"/admin/calendars/businesscalendar/{office.pk}/change/").content.decode()
    assert "closed_days-0-date" in page and 'value="2026-12-24"' in page


def test_the_django_admin_refuses_hours_it_cannot_read(client, ada, office):
    client.force_login(ada)
    response = client.post(f"/admin/calendars/businesscalendar/{office.pk}/change/", {
        "name": "UK office", "hours": "mon-fri 9-5", "time_zone": "Europe/London", "holidays": "GB-ENG",
        "closed_days-TOTAL_FORMS": "0", "closed_days-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    assert "&#x27;mon-fri 9-5&#x27;: hours are written 09:00-17:30." in response.content.decode()
    office.refresh_from_db()
    assert office.hours == "mon-fri 08:00-18:00\nsat 09:00-13:00"


def test_the_preview_starts_at_the_next_quarter_hour_on_the_calendars_clock(client, ada):
    client.force_login(ada)
    with clock.travel_to(datetime(2026, 7, 1, 12, 5, tzinfo=timezone.utc)):  # 13:05 in London
        content = client.get("/calendars/new").content.decode()
    assert 'name="start" id="id_start" class="form-control form-control-sm" style="width: 13rem" value="2026-07-01T13:15"' in content
    assert "2026-07-01T14:15:00+01:00" in content
