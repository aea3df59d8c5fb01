from datetime import timedelta

from caredesk.conversations import hooks
from caredesk.conversations.models import Event
from caredesk.surveys import demo
from caredesk.surveys.models import FollowUp, Survey
from caredesk.system import clock

from .factories import solve


def test_demo_surveys_the_historys_solves_backdated_with_their_events(ticket_factory, miggins, billing, deliveries, alice, lena, ada):
    now = clock.now()
    tickets = []
    with hooks.history():
        for days_ago in range(40, 2, -1):
            with clock.travel_to(now - timedelta(days=days_ago)):
                t = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
                solve(t, by=alice)
                tickets.append(t)
    demo.load({"Billing": billing, "Deliveries": deliveries}, {"alice": alice, "lena": lena, "ada": ada})
    surveys = Survey.objects.all()
    assert surveys.count() == 2 * len(tickets)  # Billing asks CSAT good/bad and CES
    assert all(s.sent_at < now for s in surveys)
    answered = surveys.filter(score__isnull=False).count()
    assert 0 < answered < surveys.count()
    assert Event.objects.filter(kind=Event.Kind.SURVEY_SENT).count() == len(tickets)
    assert Event.objects.filter(kind=Event.Kind.SURVEY_ANSWERED).count() == answered
    sent_events = Event.objects.filter(kind=Event.Kind.SURVEY_SENT)
    assert all(e.at < now - timedelta(days=1) for e in sent_events)
    assert FollowUp.objects.filter(state="open").count() <= demo.OPEN_FOLLOW_UPS
    demo.load({"Billing": billing}, {"alice": alice})  # idempotent
    assert Survey.objects.count() == 2 * len(tickets)
