"""How one demo conversation unfolds, played through the services at the moment each step happened.

A Plan says what will happen (scenario, customer, when it starts, its twists: a transfer, a run-around,
a duplicate to merge, a reopening, ...); Replay plays it step by step inside clock.travel_to(), so every
message, event and status is what real use would have left. A step that falls after `now` is not played:
recent conversations stop where today finds them, which is what leaves the queues with work in them.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from caredesk.accounts.models import Team, User
from caredesk.conversations import services
from caredesk.conversations.models import Ticket
from caredesk.customers.models import Customer
from caredesk.system import clock

from .compose import agent_text, customer_text, fill
from .fills import fills
from .phrases import (
    CHASERS,
    DUPLICATE_OPENINGS,
    GENERAL_NOTES,
    HANDOVER_REASONS,
    HOLDING_REPLIES,
    MISROUTED_REASONS,
    PHONE_PREFIXES,
    REOPEN_REPLIES,
    REOPENINGS,
    RUNAROUND_APOLOGIES,
    RUNAROUND_COMPLAINTS,
    RUNAROUND_NOTES,
    THANKS,
    TRANSFER_REASONS,
    UPDATES,
)
from .scenario import Scenario

MAX_MESSAGES = 8
# Working hours of the desk: agents answer between these local hours.
OPENS, CLOSES = 8, 20
# How much more work the demo logins get than their colleagues, so each has a full inbox.
BUSIER = {"agent@example.com": 3.0, "lead@example.com": 1.5}

Status = Ticket.Status


@dataclass
class Cast:
    teams: dict[str, Team]
    staff: dict[str, User]  # by email
    members: dict[int, list[User]]  # team id: the people who may own its tickets

    def agent_ids_by_team(self) -> dict[int, list[int]]:
        return {team_id: [user.pk for user in users] for team_id, users in self.members.items()}


@dataclass
class Plan:
    """What will happen in one conversation."""

    scenario: Scenario
    customer: Customer
    created: datetime
    channel: str
    priority: int
    twists: set[str] = field(default_factory=set)  # transfer, handover, runaround, reopen, hold, long, stall
    duplicate: bool = False  # the customer writes twice; the second ticket is merged into the first
    owner_email: str = ""  # who picks it up, when it matters
    steps: tuple[str, ...] = ()  # the conversation's steps, when they matter (else chosen at random)


class Later(Exception):
    """The next step lies in the future: the conversation stops here for now."""


class Replay:
    def __init__(self, plan: Plan, cast: Cast, rng: random.Random, *, now: datetime, vips: set[int]):
        self.plan, self.cast, self.rng, self.now, self.vips = plan, cast, rng, now, vips
        self.scenario = plan.scenario
        self.thread = rng.choice(self.scenario.threads)
        self.openings = self.thread.openings or self.scenario.openings
        self.turn = rng.choice(self.thread.turns)
        customer = plan.customer
        organisation = customer.organisation.name if customer.organisation_id else ""
        self.values = fills(
            rng,
            plan.created,
            kind=self.scenario.products,
            customer_first=customer.first_name,
            customer_name=customer.name,
            company=organisation,
        )
        self.sign = customer.name if rng.random() < 0.3 else customer.first_name
        self.team = cast.teams[self.scenario.team]
        self.ticket: Ticket | None = None
        self.duplicate: Ticket | None = None
        self.owner: User | None = None
        self.at = plan.created
        self.messages = 0
        self.reserved = 0  # messages the remaining steps still need
        self.apologise = False
        self.waiting = 0.0  # days the next answer waits (on a supplier, on the depot)
        self.ticket_ids: list[int] = []

    def run(self) -> list[int]:
        """Play the plan; return the ids of the tickets it made."""
        with suppress(Later):  # the rest of the story lies in the future: the demo stops at "now"
            self._play()
        return self.ticket_ids

    # Time ---------------------------------------------------------------------------------------

    @contextmanager
    def _at(self, when: datetime) -> Iterator[None]:
        if when > self.now:
            raise Later
        self.at = when
        with clock.travel_to(when):
            yield

    def _minutes(self, low: float, high: float) -> datetime:
        return self.at + timedelta(minutes=self.rng.uniform(low, high))

    def _within(self, when: datetime, opens: int, closes: int) -> datetime:
        """`when`, or the next morning soon after `opens` if it falls outside opens–closes (local time)."""
        local = timezone.localtime(when)
        if opens <= local.hour < closes:
            return when
        morning = local if local.hour < opens else local + timedelta(days=1)
        return morning.replace(hour=opens, minute=self.rng.randrange(60), second=self.rng.randrange(60))

    def _agent_time(self, *, days: float = 0) -> datetime:
        """When an agent next gets to it: minutes to hours later, in working hours."""
        return self._within(self._minutes(6, 200) + timedelta(days=days), OPENS, CLOSES)

    def _customer_time(self) -> datetime:
        """When the customer answers: within the day, or the next, and not in the small hours."""
        return self._within(self._minutes(15, 28 * 60), 7, 23)

    # People and words ---------------------------------------------------------------------------

    def _agent_of(self, team: Team) -> User:
        people = self.cast.members[team.pk]
        return self.rng.choices(people, [BUSIER.get(user.email, 1.0) for user in people])[0]

    def _room(self) -> bool:
        """Whether an optional message fits within the eight a conversation may have."""
        return self.messages + 1 + self.reserved <= MAX_MESSAGES

    def _say(self, text: str, *, status: str | None = None, **values) -> None:
        body = agent_text(self.rng, text, self.values | values, agent=self.owner.first_name)
        waited, self.waiting = self.waiting, 0.0
        with self._at(self._agent_time(days=waited)):
            services.reply(self.ticket, by=self.owner, body=body, status=status)
        self.messages += 1

    def _hear(self, text: str, *, when: datetime | None = None) -> None:
        body = customer_text(self.rng, text, self.values, sign=self.sign)
        with self._at(when or self._customer_time()):
            services.customer_reply(self.ticket, customer=self.plan.customer, body=body)
        self.messages += 1

    def _note(self, text: str, *, by: User | None = None, **values) -> None:
        with self._at(self._minutes(2, 40)):
            services.add_note(self.ticket, by=by or self.owner, body=fill(text, self.values | values))
        self.messages += 1

    def _tags(self) -> list[str]:
        scenario, customer = self.scenario, self.plan.customer
        tags = (
            self.rng.sample(scenario.tags, self.rng.randint(1, len(scenario.tags))) if scenario.tags else []
        )
        if customer.pk in self.vips:
            tags.append("vip")
        if customer.organisation_id:
            tags.append("business")
        return tags

    # The story ----------------------------------------------------------------------------------

    def _play(self) -> None:
        plan, rng = self.plan, self.rng
        steps = self._steps()
        self.reserved = sum(step in MESSAGE_STEPS for step in steps)
        start = self.team
        if plan.twists & {"transfer", "runaround"}:
            start = rng.choice([team for team in self.cast.teams.values() if team != self.team])
        self._open(start)
        if plan.duplicate:
            self._write_again()
        if self.owner is None:
            self._pick_up(self.cast.staff[plan.owner_email] if plan.owner_email else None)
        if self.duplicate:
            with self._at(self._minutes(1, 10)):
                services.merge(self.duplicate, into=self.ticket, by=self.owner)
        self._fields()
        if rng.random() < 0.25 and self._room():
            self._note(rng.choice(self.scenario.notes or GENERAL_NOTES))
        if "transfer" in plan.twists:
            self._transfer(self.team)
        if "runaround" in plan.twists:
            self._run_around()
        for step in steps:
            if step in MESSAGE_STEPS:
                self.reserved -= 1
            getattr(self, f"_{step}")()
            if step == "answer" and "handover" in plan.twists:
                self._hand_over()

    def _steps(self) -> list[str]:
        plan, scenario, rng = self.plan, self.scenario, self.rng
        if plan.steps:
            return list(plan.steps)
        if scenario.short:
            steps = rng.choice(
                (["answer_and_solve"], ["answer", "thanks", "solve"], ["answer", "follow_up", "resolve"])
            )
        else:
            steps = ["answer"]
            waits = self.thread.waits
            if waits and ("hold" in plan.twists or (scenario.priorities[3] >= 10 and rng.random() < 0.4)):
                steps.append("hold")
            if waits and "long" in plan.twists:
                steps += ["chase", "update"]
            steps.append("follow_up")
            steps += ["resolve_pending", "thanks", "solve"] if rng.random() < 0.35 else ["resolve"]
        if "reopen" in plan.twists:
            steps += ["reopen", "answer_reopening"]
        steps.append("close")
        if "stall" in plan.twists:  # an old ticket somebody forgot: it stops part-way
            steps = steps[: rng.randrange(1, max(2, len(steps) - 1))]
        return steps

    def _open(self, team: Team) -> None:
        plan, rng = self.plan, self.rng
        opening = self.opening = rng.choice(self.openings)
        by = None
        if plan.channel == Ticket.Channel.PHONE:  # the agent who took the call logs it and owns it
            by = self.cast.staff[plan.owner_email] if plan.owner_email else self._agent_of(team)
            body = f"{rng.choice(PHONE_PREFIXES)}\n\n“{fill(opening, self.values)}”"
        else:
            body = customer_text(rng, opening, self.values, sign=self.sign)
        self.subject = fill(rng.choice(self.thread.subjects or self.scenario.subjects), self.values)
        with self._at(plan.created):
            self.ticket = services.open_ticket(
                customer=plan.customer,
                subject=self.subject,
                body=body,
                team=team,
                by=by,
                channel=plan.channel,
                priority=plan.priority,
                owner=by,
                tags=self._tags(),
            )
        self.owner = by
        self.messages = 1
        self.ticket_ids.append(self.ticket.pk)

    def _write_again(self) -> None:
        """The customer, hearing nothing yet, writes again through another channel."""
        rng = self.rng
        body = customer_text(
            rng,
            rng.choice(DUPLICATE_OPENINGS) + "\n\n" + rng.choice(self.openings),
            self.values,
            sign=self.sign,
        )
        channel = Ticket.Channel.WEB if self.plan.channel != Ticket.Channel.WEB else Ticket.Channel.EMAIL
        with self._at(self._minutes(15, 120)):
            self.duplicate = services.open_ticket(
                customer=self.plan.customer,
                subject=self.subject,
                body=body,
                team=self.ticket.team,
                channel=channel,
                priority=self.plan.priority,
            )
        self.ticket_ids.append(self.duplicate.pk)

    def _pick_up(self, agent: User | None = None) -> None:
        agent = agent or self._agent_of(self.ticket.team)
        # The desk is behind on the last two days' mail, as desks are: some of it still waits in the queue.
        backlog = self.rng.uniform(0, 1.5) if self.plan.created > self.now - timedelta(days=2) else 0
        with self._at(self._agent_time(days=backlog)):
            self.ticket = services.assign(self.ticket, to=agent, by=agent)
        self.owner = agent

    def _fields(self) -> None:
        rng, values = self.rng, {}
        if rng.random() < 0.7 and "{order}" in self.opening:  # the agent notes the number the customer gave
            values["order_number"] = self.values["order"]
        if rng.random() < 0.6:
            values["delivery_area"] = self.values["area"]
        if rng.random() < 0.08:
            values["callback_requested"] = True
        if values:
            with self._at(self._minutes(1, 5)):
                services.set_fields(self.ticket, values=values, by=self.owner)

    def _transfer(self, team: Team, *, reason: str = "", tell: bool = False) -> None:
        """Pass the ticket to another team: sometimes to a named agent, sometimes to its queue. The
        customer is told (always if `tell`, else half the time) when a message still fits."""
        rng = self.rng
        if (tell or rng.random() < 0.5) and self._room():
            self._say(rng.choice(HOLDING_REPLIES), team=team.name)
        to_owner = self._agent_of(team) if rng.random() < 0.5 else None
        with self._at(self._minutes(2, 30)):
            self.ticket = services.transfer(
                self.ticket,
                by=self.owner,
                reason=reason or rng.choice(TRANSFER_REASONS[team.name]),
                to_team=team,
                to_owner=to_owner,
            )
        self.owner = to_owner
        if to_owner is None:
            self._pick_up()

    def _run_around(self) -> None:
        """Bounced between the two teams it doesn't belong to before it reaches the right one."""
        rng = self.rng
        wrong = [team for team in self.cast.teams.values() if team != self.team]
        hops = rng.choice((2, 3))
        for hop in range(hops):
            here = self.ticket.team
            to = next(team for team in wrong if team != here)
            self._transfer(to, reason=rng.choice(MISROUTED_REASONS).format(team=to.name), tell=hop < 2)
            if hop == 1 and self._room():
                self._hear(rng.choice(RUNAROUND_COMPLAINTS))
        self._transfer(self.team)
        if self._room():  # the lead notices, and says so where the next person will read it
            lead = self.cast.staff["lead@example.com"]
            by = lead if lead in self.cast.members[self.team.pk] else self.owner
            self._note(rng.choice(RUNAROUND_NOTES), by=by, handoffs=self.ticket.handoff_count)
        self.apologise = True

    def _hand_over(self) -> None:
        """Within the team: the owner passes it to a colleague, saying why."""
        colleagues = [user for user in self.cast.members[self.ticket.team_id] if user != self.owner]
        if not colleagues:
            return
        to = self.rng.choice(colleagues)
        reason = self.rng.choice(HANDOVER_REASONS).format(to=to.first_name)
        with self._at(self._agent_time()):
            self.ticket = services.transfer(self.ticket, by=self.owner, reason=reason, to_owner=to)
        self.owner = to

    # Steps: each is a method named after it ------------------------------------------------------

    def _answer(self, status: str = Status.PENDING_CUSTOMER) -> None:
        text = self.thread.reply
        if self.apologise:
            text = self.rng.choice(RUNAROUND_APOLOGIES) + "\n\n" + text
        self._say(text, status=status)

    def _answer_and_solve(self) -> None:
        self._answer(status=Status.SOLVED)

    def _hold(self) -> None:
        with self._at(self._minutes(1, 15)):
            services.change_status(self.ticket, status=Status.ON_HOLD, by=self.owner)
        self.waiting = self.rng.uniform(1, 3)

    def _chase(self) -> None:
        later = self.at + timedelta(days=self.rng.uniform(1.5, 3))
        self._hear(self.rng.choice(CHASERS), when=self._within(later, 7, 23))
        if self.rng.random() < 0.3 and self.plan.priority < Ticket.Priority.URGENT:
            with self._at(self._minutes(5, 60)):
                services.change_priority(self.ticket, priority=self.plan.priority + 1, by=self.owner)

    def _update(self) -> None:
        self._say(self.rng.choice(UPDATES))

    def _follow_up(self) -> None:
        self._hear(self.turn[0])

    def _resolve(self, status: str = Status.SOLVED) -> None:
        text = self.turn[1]
        self._say(text, status=status)
        extra = [tag for word, tag in (("refund", "refund"), ("credit", "goodwill")) if word in text]
        if extra:
            current = list(self.ticket.tags.values_list("name", flat=True))
            with self._at(self._minutes(0.5, 3)):
                services.set_tags(self.ticket, tags=current + extra, by=self.owner)

    def _resolve_pending(self) -> None:
        self._resolve(status=Status.PENDING_CUSTOMER)

    def _thanks(self) -> None:
        self._hear(self.rng.choice(self.scenario.thanks or THANKS))

    def _solve(self) -> None:
        with self._at(self._agent_time()):
            services.change_status(self.ticket, status=Status.SOLVED, by=self.owner)

    def _reopen(self) -> None:
        later = self.at + timedelta(days=self.rng.uniform(1, 4))
        self._hear(self.rng.choice(REOPENINGS), when=self._within(later, 7, 23))

    def _answer_reopening(self) -> None:
        self._say(self.rng.choice(REOPEN_REPLIES), status=Status.SOLVED)

    def _close(self) -> None:
        """Most solved tickets are closed a few days later."""
        if self.rng.random() < 0.85:
            with self._at(self._agent_time(days=self.rng.uniform(3, 6))):
                services.change_status(self.ticket, status=Status.CLOSED, by=self.owner)


MESSAGE_STEPS = {
    "answer",
    "answer_and_solve",
    "chase",
    "update",
    "follow_up",
    "resolve",
    "resolve_pending",
    "thanks",
    "reopen",
    "answer_reopening",
}
