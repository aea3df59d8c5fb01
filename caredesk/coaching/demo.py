"""Demo coaching for Fresh Basket, loaded after the six-month history:

- reviews over the history: for each agent of each team, about eight of their solved tickets reviewed
  two days after solving by the team's lead (Product & Quality has none: Ada, the admin, reviews it).
  Each agent has a leaning (one behaviour strong, one weak), so coaching pages show different strengths
  and gaps;
- last week's sample, as the hourly task would pick it, so /coaching/reviews/ has a "to review" list;
- a dozen training examples: replies from the history that acknowledge the customer and give a concrete
  next step, tagged by their situation.
Idempotent: nothing is added to a desk that has reviews already.
"""

import random
from datetime import timedelta

from caredesk.accounts.models import Team, User
from caredesk.conversations import hooks
from caredesk.conversations.models import Message, Ticket
from caredesk.system import clock

from . import services
from .models import BEHAVIOURS, Rating, Review, TrainingExample

SEED = 6
PER_AGENT = 8
EXAMPLES = 12

# (behaviour an agent is good at, behaviour they are working on), given out in turn.
LEANINGS = [
    ("warm", "polite"), ("willing", "empathy"), ("empathy", "positive"), ("interested", "willing"),
    ("positive", "interested"), ("polite", "warm"),
]

COMMENTS = {
    "good": [
        "Lovely tone from the first line, and the customer knew exactly what would happen next.",
        "You owned this one: the refund was done in the same reply. That is the standard.",
        "Great that you picked up on the birthday; the customer felt heard.",
        "Clear, kind and quick. Worth showing to new starters.",
    ],
    "mixed": [
        "Good outcome. Next time acknowledge how annoying the second missed slot was before the fix.",
        "Warm opening, but 'you must send the photo' reads as an order: try 'could you send a photo?'",
        "The answer was right; say what you'll do and by when rather than 'we'll look into it'.",
        "Try leading with what we can do (a redelivery tomorrow) rather than the policy.",
    ],
    "poor": [
        "This passed the customer to the courier without an answer; call the depot yourself next time.",
        "The information on the refund window was wrong (it is 5 working days). Let's go through it.",
    ],
}

# Words in a reply or its ticket that name its situation, for the examples' tags.
SITUATIONS = {
    "refund": ("refund", "refunded", "money back"),
    "double charge": ("charged twice", "double charge", "duplicate"),
    "late delivery": ("late", "delay", "delayed", "running behind"),
    "missing items": ("missing", "left out"),
    "damaged goods": ("damaged", "broken", "crushed", "leaking"),
    "substitution": ("substitut", "swap"),
    "angry customer": ("frustrat", "unacceptable", "furious", "fed up"),
}
GOOD_SIGNS = ("sorry", "i've", "i have", "i'll", "i will")


def _rating(rng: random.Random, key: str, leaning: tuple[str, str]) -> int | None:
    if key == "polite" and rng.random() < 0.35:
        return None  # the reply asked the customer for nothing
    strong, weak = leaning
    chances = (0.85, 0.12) if key == strong else (0.3, 0.35) if key == weak else (0.62, 0.3)
    roll = rng.random()
    return Rating.YES if roll < chances[0] else Rating.PARTLY if roll < chances[0] + chances[1] else Rating.NO


def _reviewer(team: Team, staff: dict[str, User]) -> User:
    lead = next((u for u in staff.values() if u.role == User.Role.LEAD and team.memberships.filter(user=u).exists()), None)
    return lead or next(u for u in staff.values() if u.role == User.Role.ADMIN)


def _reviews(rng: random.Random, teams: dict[str, Team], staff: dict[str, User], now) -> None:
    agents = sorted((u for u in staff.values() if u.role == User.Role.AGENT), key=lambda u: u.email)
    leanings = {agent.pk: LEANINGS[i % len(LEANINGS)] for i, agent in enumerate(agents)}
    for team in teams.values():
        reviewer = _reviewer(team, staff)
        for agent in agents:
            solved = list(
                Ticket.objects.filter(
                    team=team, owner=agent, status__in=(Ticket.Status.SOLVED, Ticket.Status.CLOSED),
                    solved_at__lt=now - timedelta(days=3), merged_into__isnull=True,
                ).order_by("pk").values_list("pk", flat=True)
            )
            for ticket_id in sorted(rng.sample(solved, min(PER_AGENT, len(solved)))):
                ticket = Ticket.objects.select_related("team").get(pk=ticket_id)
                ratings = {key: _rating(rng, key, leanings[agent.pk]) for key in BEHAVIOURS}
                score = sum(v for v in ratings.values() if v is not None) / (2 * sum(v is not None for v in ratings.values()))
                mood = "good" if score > 0.75 else "mixed" if score > 0.45 else "poor"
                with clock.travel_to(ticket.solved_at + timedelta(days=2, hours=rng.randint(0, 6))):
                    services.review(
                        ticket, agent=agent, by=reviewer, ratings=ratings,
                        resolution=rng.choices(["resolved", "partly", "no"], weights=[8, 2, 1] if mood != "poor" else [2, 3, 3])[0],
                        accurate=rng.random() < (0.95 if mood != "poor" else 0.6),
                        comment=rng.choice(COMMENTS[mood]) if rng.random() < 0.7 else "",
                    )


def _tags(text: str) -> list[str]:
    lowered = text.lower()
    return [tag for tag, words in SITUATIONS.items() if any(word in lowered for word in words)]


def _examples(rng: random.Random, teams: dict[str, Team], staff: dict[str, User]) -> None:
    admin = next(u for u in staff.values() if u.role == User.Role.ADMIN)
    replies = (
        Message.objects.filter(kind=Message.Kind.REPLY, author__role=User.Role.AGENT, ticket__team__in=teams.values())
        .select_related("ticket__team")
        .order_by("-created_at", "-id")[:3000]
    )
    picked, seen_tags, seen_bodies = [], {}, set()
    for reply in replies:
        lowered = reply.body_text.lower()
        if len(reply.body_text) < 120 or sum(sign in lowered for sign in GOOD_SIGNS) < 2:
            continue
        # The history reuses replies with another greeting: the library shows each wording once.
        body = " ".join(lowered.split("\n", 1)[-1].split())[:200]
        if body in seen_bodies:
            continue
        seen_bodies.add(body)
        tags = _tags(reply.ticket.subject + "\n" + reply.body_text)
        # Spread the dozen over situations rather than twelve refunds.
        if not tags or any(seen_tags.get(tag, 0) >= 3 for tag in tags):
            continue
        for tag in tags:
            seen_tags[tag] = seen_tags.get(tag, 0) + 1
        picked.append((reply, tags))
        if len(picked) == EXAMPLES:
            break
    notes = [
        "Says sorry in words that fit this customer, then says exactly what was done and when.",
        "Owns the problem: no passing on, a concrete next step with a time.",
        "Positive framing: leads with what we can do today.",
        "Asks for the photo politely and explains why it helps.",
        "Picks up the detail the customer mentioned and answers it directly.",
    ]
    for reply, tags in picked:
        reviewer = _reviewer(reply.ticket.team, staff) if reply.ticket.team_id else admin
        with clock.travel_to(reply.created_at + timedelta(days=1)):
            services.mark_example(reply, by=reviewer, note=rng.choice(notes), tags=tags)


def load(teams: dict[str, Team], staff: dict[str, User]) -> None:
    if Review.objects.exists() or TrainingExample.objects.exists():
        return
    rng = random.Random(SEED)
    now = clock.now()
    with hooks.history():
        _reviews(rng, teams, staff, now)
        _examples(rng, teams, staff)
    services.sample_all(services.last_week(now))
