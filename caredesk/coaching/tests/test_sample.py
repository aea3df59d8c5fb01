"""The weekly sample: per agent, of the tickets solved in that week, idempotent."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from caredesk.coaching import services
from caredesk.coaching.models import CoachingSettings, SampleItem
from caredesk.conversations import services as desk
from caredesk.system import clock

WEEK = date(2026, 11, 16)  # a Monday
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _london(settings):
    settings.TIME_ZONE = "Europe/London"


def _solved(ticket_factory, customer, team, owner, when: datetime):
    with clock.travel_to(when):
        ticket = ticket_factory.create(customer=customer, team=team, owner=owner, by=owner)
        desk.reply(ticket, by=owner, body="All sorted: the refund is on its way.", status="solved")
    return ticket


@pytest.fixture
def week_of_work(ticket_factory, miggins, billing, alice, bob):
    """Alice solved 5 tickets in the week of 16 Nov, bob 1; and tickets outside it or still open."""
    tuesday = datetime(2026, 11, 17, 10, tzinfo=LONDON)
    alices = [_solved(ticket_factory, miggins, billing, alice, tuesday + timedelta(hours=i)) for i in range(5)]
    bobs = [_solved(ticket_factory, miggins, billing, bob, tuesday)]
    outside = [
        _solved(ticket_factory, miggins, billing, alice, datetime(2026, 11, 15, 23, 30, tzinfo=LONDON)),  # Sunday before
        _solved(ticket_factory, miggins, billing, alice, datetime(2026, 11, 23, 0, 10, tzinfo=LONDON)),  # Monday after
    ]
    with clock.travel_to(tuesday):
        still_open = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        reopened = _solved(ticket_factory, miggins, billing, alice, tuesday)
        desk.change_status(reopened, status="open", by=alice)
    return {"alice": alices, "bob": bobs, "outside": outside, "open": [still_open, reopened]}


def test_the_sample_picks_the_set_number_per_agent_from_their_tickets_solved_that_week(billing, alice, bob, week_of_work):
    added = services.pick_sample(billing, WEEK)
    picked = {(item.agent_id, item.ticket_id) for item in SampleItem.objects.all()}
    assert len(added) == 3
    alices = {ticket for agent, ticket in picked if agent == alice.pk}
    assert len(alices) == CoachingSettings.DEFAULT_PER_AGENT == 2
    assert alices <= {t.pk for t in week_of_work["alice"]}
    assert {ticket for agent, ticket in picked if agent == bob.pk} == {week_of_work["bob"][0].pk}
    assert all(item.week == WEEK and item.team == billing for item in SampleItem.objects.all())


def test_sampling_the_same_week_again_adds_nothing(billing, week_of_work):
    first = services.pick_sample(billing, WEEK)
    assert services.pick_sample(billing, WEEK) == []
    assert services.pick_sample(billing, WEEK + timedelta(days=3)) == []  # any day names its week
    assert SampleItem.objects.count() == len(first) == 3


def test_raising_the_number_tops_the_sample_up_without_repeating_a_ticket(billing, alice, lena, week_of_work):
    services.pick_sample(billing, WEEK)
    services.change_settings(billing, sample_enabled=True, sample_per_agent=4, by=lena)
    services.pick_sample(billing, WEEK)
    alices = list(SampleItem.objects.filter(agent=alice).values_list("ticket_id", flat=True))
    assert len(alices) == len(set(alices)) == 4


def test_an_agent_with_fewer_solved_tickets_than_the_number_gets_them_all(billing, bob, lena, week_of_work):
    services.change_settings(billing, sample_enabled=True, sample_per_agent=10, by=lena)
    services.pick_sample(billing, WEEK)
    assert SampleItem.objects.filter(agent=bob).count() == 1
    assert SampleItem.objects.filter(agent__email="alice@example.com").count() == 5


def test_a_team_that_switched_the_sample_off_gets_none(billing, lena, week_of_work):
    services.change_settings(billing, sample_enabled=False, sample_per_agent=2, by=lena)
    assert services.pick_sample(billing, WEEK) == []
    assert not SampleItem.objects.exists()


@pytest.mark.parametrize("number", [0, 21, "3"])
def test_a_number_outside_1_to_20_is_refused(billing, lena, number):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="between 1 and 20"):
        services.change_settings(billing, sample_enabled=True, sample_per_agent=number, by=lena)
    assert not CoachingSettings.objects.exists()


def test_last_week_is_the_monday_before_this_weeks(settings):
    assert services.last_week(datetime(2026, 11, 25, 12, tzinfo=LONDON)) == WEEK
    assert services.last_week(datetime(2026, 11, 23, 0, 5, tzinfo=LONDON)) == WEEK


def test_a_review_takes_its_ticket_off_the_to_review_list(billing, alice, make_review, week_of_work):
    services.pick_sample(billing, WEEK)
    item = SampleItem.objects.filter(agent=alice).first()
    review = make_review(item.ticket, alice)
    item.refresh_from_db()
    assert item.review == review


def test_the_command_samples_a_week_and_says_how_many(billing, week_of_work, capsys):
    call_command("coaching", "sample", "--week", "2026-11-18")
    call_command("coaching", "sample", "--week", "2026-11-18", "--team", "Billing")
    out = capsys.readouterr().out
    assert "Billing: 3 added" in out and "Billing: 0 added" in out
    assert "Week of 2026-11-16: 3 tickets added to review." in out


def test_the_command_refuses_a_bad_week_or_team(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--week must be a date"):
        call_command("coaching", "sample", "--week", "last tuesday")
    with pytest.raises(CommandError, match="No team is called 'Nope'"):
        call_command("coaching", "sample", "--team", "Nope")


def test_the_task_samples_last_week(billing, week_of_work):
    from caredesk.coaching.tasks import pick_weekly_samples

    with clock.travel_to(datetime(2026, 11, 26, 9, tzinfo=LONDON)):
        pick_weekly_samples.call()
    assert SampleItem.objects.count() == 3
