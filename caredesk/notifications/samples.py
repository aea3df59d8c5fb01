"""The names each template can use, with example values: the admin page previews templates with them,
and a template is checked against them before it is saved."""

from .defaults import Kind

TICKET = {
    "reference": "#1042",
    "subject": "Twelve pies missing from Monday's order",
    "status": "Open",
    "url": "https://desk.example.com/tickets/1042/",
}
CUSTOMER = {"name": "Mrs Miggins", "first_name": "Mrs", "email": "miggins@example.com"}
AGENT = {"name": "Alice Archer", "first_name": "Alice"}
TEAM = {"name": "Deliveries"}
MESSAGE = {"text": "Hello Mrs Miggins,\n\nThe missing pies leave our kitchen this afternoon.\n\nAlice"}
PORTAL_URL = "https://desk.example.com/portal/tickets/1042/"

COMMON = {"ticket": TICKET, "customer": CUSTOMER, "team": TEAM, "portal_url": PORTAL_URL}


def context(kind: str) -> dict:
    """Example values for every name a template of `kind` may use."""
    extra = {
        Kind.ACKNOWLEDGEMENT: {},
        Kind.REPLY: {"message": MESSAGE, "agent": AGENT},
        Kind.NEW_OWNER: {"agent": AGENT, "reason": "Needs a refund, which Billing gives", "note": "Order 5521"},
        Kind.CUSTOMER_REPLIED: {"agent": AGENT, "message": {"text": "Any news about my pies?"}},
        Kind.MENTIONED: {"agent": AGENT, "author": {"name": "Bob Baker"}, "message": {"text": "@alice can you call her?"}},
        Kind.OWNER_INTRODUCED: {"agent": AGENT},
        Kind.ESCALATED: {
            "agent": {"name": "Lena Lead", "first_name": "Lena"},
            "escalated_by": AGENT,
            "level": "level 1 (team lead)",
            "reason": "Third missed delivery this month; she wants a refund we cannot give",
        },
        Kind.TARGET_BREACHED: {"agent": AGENT, "target": {"name": "First reply", "due": "Tue 3 Mar 2026, 11:00"}},
        Kind.PROMISE_DUE: {
            "agent": AGENT,
            "promise": {"what": "Call Mrs Miggins back about the refund", "due": "Tue 3 Mar 2026, 12:00"},
        },
        Kind.AUTOMATION_NOTICE: {
            "agent": AGENT,
            "rule": {"name": "Urgent tickets waiting an hour"},
            "note": "Nobody has answered this urgent ticket for an hour.",
        },
        Kind.COMPLIMENT: {
            "agent": AGENT,
            "compliment": {
                "text": "Alice was brilliant: the pies came the same afternoon. Please thank her from me!",
                "source": "Email",
                "logged_by": "",
                "url": "https://desk.example.com/kudos/people/7/",
                "wall_url": "https://desk.example.com/kudos/?team=2",
            },
        },
        Kind.SURVEY: {
            "change_days": 7,
            "surveys": [
                {
                    "question": "How would you rate the help you received?",
                    "links": [
                        {"label": "Good", "url": "https://desk.example.com/surveys/answer/eyJzIjo1fQ:1vX/"},
                        {"label": "Bad", "url": "https://desk.example.com/surveys/answer/eyJzIjo1fR:1vY/"},
                    ],
                }
            ],
        },
        Kind.SURVEY_FOLLOW_UP: {
            "agent": {"name": "Lena Lead", "first_name": "Lena"},
            "survey": {"kind": "CSAT", "score": "Bad", "comment": "Nobody told me the refund would take ten days."},
            "follow_ups_url": "https://desk.example.com/surveys/follow-ups/",
        },
        Kind.REVIEWED: {
            "agent": AGENT,
            "review": {
                "reviewer": "Lena Lead",
                "ratings": [
                    {"behaviour": "Warm", "value": "Yes"},
                    {"behaviour": "Interested", "value": "Yes"},
                    {"behaviour": "Willing", "value": "Partly"},
                    {"behaviour": "Positive language", "value": "Yes"},
                    {"behaviour": "Empathy", "value": "No"},
                    {"behaviour": "Polite requests", "value": "Not applicable"},
                ],
                "resolution": "Resolved right",
                "accurate": "Yes",
                "comment": "Lovely tone. She was upset about the party: say so before the fix next time.",
                "url": "https://desk.example.com/coaching/agents/7/",
            },
        },
    }[Kind(kind)]
    return {**COMMON, **extra}
