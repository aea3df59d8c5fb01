"""What a kind of conversation is made of.

A scenario has the customer's openings and one or more threads. A thread is one way the conversation
goes: the agent's answer, then turns (what the customer says next, and the answer to that). Any
opening of the scenario fits any of its threads unless the thread names its own openings, and a
turn always follows its own thread's answer, so conversations read as one conversation.
"""

from dataclasses import dataclass

# Low, normal, high, urgent
USUAL_PRIORITIES = (10, 70, 17, 3)


@dataclass(frozen=True)
class Thread:
    reply: str
    turns: tuple[tuple[str, str], ...]  # (the customer's next message, the agent's answer to it)
    openings: tuple[str, ...] = ()  # the openings this reply answers, when not all of them
    subjects: tuple[str, ...] = ()  # the subjects that go with those openings, when not all of them
    # The reply promises news later: the customer may chase, and the ticket may wait on hold.
    waits: bool = False


@dataclass(frozen=True)
class Scenario:
    key: str
    team: str
    subjects: tuple[str, ...]
    openings: tuple[str, ...]
    threads: tuple[Thread, ...]
    tags: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    thanks: tuple[str, ...] = ()
    priorities: tuple[int, int, int, int] = USUAL_PRIORITIES
    # How often it happens relative to others (10 = typical).
    weight: int = 10
    # Only organisations ask this (invoices, account terms).
    business: bool = False
    # The kind of product it is about ("chilled", "fresh", "produce", "meat", "weighed", "bakery"; "" any).
    products: str = ""
    # Settled in one answer (a compliment, a simple question): conversations stay short.
    short: bool = False

    def all_openings(self) -> tuple[str, ...]:
        return self.openings + tuple(text for thread in self.threads for text in thread.openings)
