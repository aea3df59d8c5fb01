"""The demo's reviews, last week's sample and training examples, on a small history."""

from datetime import timedelta

from caredesk.coaching import demo, services
from caredesk.coaching.models import Review, SampleItem, TrainingExample
from caredesk.conversations import services as desk
from caredesk.system import clock

GOOD = (
    "Hello,\n\nI'm so sorry order {order} arrived late and the eggs were damaged. I've refunded the £4.20 for "
    "the eggs today and I'll make sure tomorrow's van brings a fresh box before 10am."
)


def test_the_demo_library_shows_each_wording_once(ticket_factory, miggins, billing, alice, lena, ada):
    for name in ("Rohan", "Omar"):
        ticket = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice, subject="Damaged eggs")
        desk.reply(ticket, by=alice, body=f"Hello {name},\n\n" + GOOD.split("\n\n", 1)[1].format(order=1))
    demo.load({"Billing": billing}, {"admin@example.com": ada, "lead@example.com": lena, "alice@example.com": alice})
    assert TrainingExample.objects.count() == 1


def test_the_demo_reviews_the_history_samples_last_week_and_fills_the_library_once(
    ticket_factory, miggins, billing, alice, bob, lena, ada
):
    now = clock.now()
    for days_ago in (40, 30, 20, 8, 6, 5):
        for n, agent in enumerate((alice, bob)):
            with clock.travel_to(now - timedelta(days=days_ago)):
                ticket = ticket_factory.create(customer=miggins, team=billing, owner=agent, by=agent, subject="Late delivery, damaged eggs")
                desk.reply(ticket, by=agent, body=GOOD.format(order=days_ago * 10 + n), status="solved")
    staff = {"admin@example.com": ada, "lead@example.com": lena, "alice@example.com": alice, "bob@example.com": bob}
    demo.load({"Billing": billing}, staff)
    reviews = Review.objects.count()
    demo.load({"Billing": billing}, staff)  # again: nothing more

    assert Review.objects.count() == reviews == 12  # six solved tickets each, fewer than eight
    assert set(Review.objects.values_list("reviewer", flat=True)) == {lena.pk}
    assert all(r.created_at > r.ticket.solved_at for r in Review.objects.select_related("ticket"))
    last_week = services.last_week(now)
    assert all(item.week == last_week for item in SampleItem.objects.all())
    example = TrainingExample.objects.first()
    assert TrainingExample.objects.count() == 3  # at most three per situation
    assert set(example.tags.values_list("name", flat=True)) >= {"late delivery", "damaged goods", "refund"}
