"""Each metric, exactly, from a small history built by hand (history.py)."""

from datetime import timedelta

import pytest
from django.db import models

from caredesk.reports import queries, rollup
from caredesk.reports import standard as care
from caredesk.reports.models import Measurement
from caredesk.system import clock

from .history import MON, TUE, at, build


@pytest.fixture
def history(billing, alice, bob, miggins):
    return build(team=billing, alice=alice, bob=bob, customer=miggins)


def board(user, **kwargs):
    teams = queries.visible_teams(user)
    filters = queries.Filters(days=2, bucket="day", until=at(TUE, 0).date(), **kwargs)
    return queries.dashboard(user, filters, teams=teams, agents=queries.agents_of(teams), standard=care.current_standard())


def values(result):
    return {card.metric: card.value for card in result.cards}


def test_each_metric_of_the_hand_built_history(history, ada):
    figures = values(board(ada))
    assert figures["first_reply"] == pytest.approx((90 + 120) / 2)
    assert figures["next_reply"] == pytest.approx(60)  # Mon 16:30-17:00 and Tue 09:00-09:30
    assert figures["resolution"] == pytest.approx((600 + 480) / 2)  # B: its last solve counts
    assert figures["handoffs"] == pytest.approx(0.5)
    assert figures["reopen_rate"] == pytest.approx(50)
    assert figures["promises_kept"] == pytest.approx(200 / 3)
    assert figures["attainment"] == pytest.approx(200 / 3)
    assert figures["csat"] == pytest.approx(50)
    assert figures["nps"] == pytest.approx(25)
    assert figures["ces"] == pytest.approx(5.5)
    assert figures["backlog"] == 1  # C, opened on Tuesday


def test_figures_by_day_and_the_backlog_at_the_end_of_each_day(history, ada):
    charts = {chart.metric: chart for chart in board(ada).charts}
    assert charts["backlog"].labels == ["2026-03-02", "2026-03-03"]
    assert charts["backlog"].values == [1, 1]  # Monday: A open (B solved); Tuesday: C open
    assert charts["first_reply"].values == [105, None]
    assert charts["resolution"].values == [None, 540]
    assert charts["next_reply"].values == [None, 60]


def test_figures_by_agent(history, ada, alice, bob):
    figures = values(board(ada, agent_id=alice.pk))
    assert figures["first_reply"] == pytest.approx(105)  # both first replies were alice's
    assert figures["resolution"] == pytest.approx(540)  # she solved both
    assert values(board(ada, agent_id=bob.pk))["first_reply"] is None


def test_figures_by_channel(history, ada):
    email = values(board(ada, channel="email"))
    assert (email["first_reply"], email["resolution"], email["backlog"]) == (90, 600, 1)
    web = values(board(ada, channel="web"))
    assert (web["first_reply"], web["handoffs"], web["reopen_rate"]) == (120, 1, 100)


def test_figures_by_week_and_month_cover_the_same_facts(history, ada):
    teams = queries.visible_teams(ada)
    for bucket in ("week", "month"):
        filters = queries.Filters(days=2, bucket=bucket, until=at(TUE, 0).date())
        result = queries.dashboard(ada, filters, teams=teams, agents=[], standard=care.current_standard())
        chart = {chart.metric: chart for chart in result.charts}["first_reply"]
        assert chart.values == [105]


def test_the_standard_marks_what_falls_short(history, ada):
    cards = {card.metric: card for card in board(ada).cards}
    assert cards["first_reply"].meets is False  # 105 min against at most 60
    assert cards["next_reply"].meets is True
    assert cards["csat"].meets is False
    assert cards["backlog"].meets is None


def test_a_changed_survey_answer_replaces_the_first(history):
    csat = Measurement.objects.get(metric="csat", key="10")
    assert (csat.count, csat.value) == (1, 1.0)


def test_rebuild_gives_the_same_figures(history):
    incremental = rollup.figures_as_rows()
    rollup.rebuild()
    assert rollup.figures_as_rows() == incremental
    assert len(incremental) > 10


@pytest.mark.parametrize(
    "score,scale,satisfied", [(3, 5, True), (2, 5, False), (5, 5, True), (2, 2, True), (1, 2, False), (1, 1, True), (0, 1, False)]
)
def test_csat_counts_good_or_average(score, scale, satisfied):
    assert rollup.csat_satisfied(score, scale) is satisfied


def test_nps_points():
    assert [rollup.nps_points(score) for score in (0, 6, 7, 8, 9, 10)] == [-1, -1, 0, 0, 1, 1]


@pytest.mark.parametrize("csat_scale,good,bad", [("good_bad", 1, 0), ("1-5", 4, 2)])
def test_csat_from_real_survey_answers_counts_the_good_ones(ticket_factory, miggins, billing, alice, csat_scale, good, bad):
    # The surveys app names its scales ("good_bad", "1-5"): the figure must read them, not assume 1-5.
    from caredesk.reports.models import DailyFigure
    from caredesk.surveys import services as surveys
    from caredesk.surveys.tests.factories import sent

    for score in (good, good, bad):
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
        (survey, *_) = [s for s in sent(ticket, by=alice, csat_scale=csat_scale) if s.kind == "csat"]
        surveys.answer(survey, score=score)
    csat = DailyFigure.objects.filter(metric="csat").aggregate(n=models.Sum("count"), good=models.Sum("total"))
    assert (csat["n"], csat["good"]) == (3, 2.0)


def test_reply_quality_cards_read_the_stored_scores_of_the_period_and_the_teams_seen(
    ticket_factory, miggins, parker, billing, deliveries, alice, charlie, ada
):
    from caredesk.conversations import services as desk
    from caredesk.quality import services as quality

    warm = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
    desk.reply(warm, by=alice, body="Hello Mrs Miggins, thank you so much for letting me know, and I'm so sorry about the "
               "double charge. I've refunded the £42.10 today; it will show on your card within three days. Best wishes, Alice")
    cold = ticket_factory.create(customer=parker, team=deliveries, owner=charlie, by=charlie)
    desk.reply(cold, by=charlie, body="Contact the courier.")
    quality.score_missing()

    everything = queries.reply_quality(queries.Filters(), queries.visible_teams(ada))
    assert everything["warm"] == 0.5  # one warm reply of two
    assert queries.reply_quality(queries.Filters(team_id=billing.pk), queries.visible_teams(ada))["warm"] == 1.0
    assert queries.reply_quality(queries.Filters(agent_id=charlie.pk), queries.visible_teams(ada))["warm"] == 0.0
    # Charlie may not see the private billing team: its replies are left out of his figures.
    assert queries.reply_quality(queries.Filters(), queries.visible_teams(charlie))["warm"] == 0.0
    assert queries.reply_quality(queries.Filters(days=7, until=clock.now().date() - timedelta(days=30)), queries.visible_teams(ada))["warm"] is None
