from caredesk.coaching import services
from caredesk.coaching.models import Rating
from caredesk.conversations import services as desk


def _worked(ticket_factory, customer, team, agent):
    ticket = ticket_factory.create(customer=customer, team=team, owner=agent, by=agent)
    desk.reply(ticket, by=agent, body="Sorted for you today.")
    return ticket


def test_averages_against_the_team_with_strengths_and_gaps(ticket_factory, miggins, billing, alice, bob, lena, make_review):
    alices = [_worked(ticket_factory, miggins, billing, alice) for _ in range(2)]
    bobs = _worked(ticket_factory, miggins, billing, bob)
    make_review(alices[0], alice, warm=Rating.YES, empathy=Rating.NO, willing=Rating.YES, comment="Great warmth.")
    make_review(alices[1], alice, warm=Rating.YES, empathy=Rating.PARTLY, willing=Rating.PARTLY, polite=Rating.YES)
    make_review(bobs, bob, warm=Rating.NO, empathy=Rating.YES, willing=Rating.NO)

    page = services.coaching_page(alice, lena)
    figures = {b.key: (b.average, b.team_average, b.reviews) for b in page.behaviours}
    assert figures["warm"] == (1.0, 2 / 3, 2)
    assert figures["empathy"] == (0.25, 0.5, 2)
    assert figures["willing"] == (0.75, 0.5, 2)
    assert figures["polite"] == (1.0, 1.0, 1)  # not applicable in the other reviews: not counted
    assert page.review_count == 2 and page.resolved_share == 1.0 and page.accurate_share == 1.0
    assert [b.key for b in page.strengths] == ["warm", "interested"]
    assert [b.key for b in page.gaps] == ["empathy", "willing"]
    assert [r.ticket for r in page.gaps[0].examples] == [alices[1], alices[0]]
    assert [r.ticket for r in page.strengths[0].examples] == [alices[1], alices[0]]
    assert [r.comment for r in page.recent_reviews] == ["Great warmth."]
    assert [t.name for t in page.teams] == ["Billing"]


def test_an_agent_without_reviews_has_no_averages_strengths_or_gaps(alice):
    page = services.coaching_page(alice, alice)
    assert page.review_count == 0 and page.resolved_share is None
    assert all(b.average is None for b in page.behaviours)
    assert page.strengths == page.gaps == []


def test_the_page_lists_their_replies_in_the_library(reply, alice, bob, lena):
    example = services.mark_example(reply, by=lena, note="Owns it.", tags="refund")
    assert services.coaching_page(alice, alice).training_examples == [example]
    assert services.coaching_page(bob, bob).training_examples == []


def test_sections_are_absent_for_an_agent_with_nothing_measured(alice):
    # No scored reply and no figure: no sections, rather than rows of empty bars.
    assert services.coaching_page(alice, alice).sections == []


def test_reply_quality_compares_the_agent_with_the_team_and_shows_their_best_replies(reply, alice, bob, lena):
    from caredesk.quality import services as quality

    quality.score_missing()
    desk.reply(reply.ticket, by=bob, body="Send the form. We cannot do anything until you do.")
    quality.score_missing()
    sections = {template: context for _title, template, context in services.coaching_page(alice, lena).sections}
    context = sections["coaching/_reply_quality.html"]
    assert context["replies"] == 1
    rows = {label: (own, team) for label, own, team in context["rows"]}
    assert rows["Empathy"] == (1.0, 0.5)  # alice's reply acknowledges the trouble, bob's does not
    assert [message.pk for message in context["best"]] == [reply.pk]


def test_the_page_shows_the_best_replies_words(client, reply, alice):
    from caredesk.quality import services as quality

    quality.score_missing()
    client.force_login(alice)
    page = client.get(f"/coaching/agents/{alice.pk}/").content.decode()
    assert "I&#x27;ve refunded the £42.10 today" in page.split('id="best-replies"')[1]


def test_figures_against_the_standard_and_the_team(ticket_factory, miggins, billing, alice, bob, lena):
    from caredesk.reports import standard as care

    _worked(ticket_factory, miggins, billing, alice)
    _worked(ticket_factory, miggins, billing, bob)
    sections = {template: context for _title, template, context in services.coaching_page(alice, lena).sections}
    figures = {figure.metric: figure for figure in sections["coaching/_standard.html"]["figures"]}
    first_reply = figures["first_reply"]
    assert first_reply.shown != "–" and first_reply.team_shown != "–"  # alice's and the team's first replies
    assert first_reply.goal == care.current_standard().goal("first_reply")
    assert first_reply.meets is True  # answered at once
    assert figures["csat"].shown == "–" and figures["csat"].meets is None  # no survey answered: nothing measured
