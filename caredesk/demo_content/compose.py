"""How a message is written from a scenario's text: greetings, sign-offs and the ticket's details."""

import random

from .phrases import AGENT_GREETINGS, AGENT_SIGN_OFFS, CUSTOMER_SIGN_OFFS


def fill(template: str, values: dict) -> str:
    return template.format_map(values)


def customer_text(rng: random.Random, body: str, values: dict, *, sign: str = "") -> str:
    """A customer's message: their words, then (often) their name."""
    text = fill(body, values)
    sign_off = rng.choice(CUSTOMER_SIGN_OFFS) if sign else ""
    return f"{text}\n\n{sign_off.format(sign=sign)}" if sign_off else text


def agent_text(rng: random.Random, body: str, values: dict, *, agent: str) -> str:
    """An agent's public reply: greeting, the answer, sign-off."""
    greeting = fill(rng.choice(AGENT_GREETINGS), values)
    sign_off = rng.choice(AGENT_SIGN_OFFS).format(agent=agent)
    return f"{greeting}\n\n{fill(body, values)}\n\n{sign_off}"
