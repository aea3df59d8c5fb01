"""The built-in wording of every email caredesk writes, used until an admin saves their own.

Templates use Django's template language over plain values only (see `samples.py` for every name each
kind can use), never model objects: an admin writing a template sees names, not the database.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACKNOWLEDGEMENT = "acknowledgement", _("To the customer: we have your request (new email ticket)")
    REPLY = "reply", _("To the customer: an agent's reply")
    NEW_OWNER = "new_owner", _("To an agent: a ticket is now yours")
    CUSTOMER_REPLIED = "customer_replied", _("To the owner: the customer replied")
    MENTIONED = "mentioned", _("To an agent: you were mentioned in a note")
    OWNER_INTRODUCED = "owner_introduced", _("To the customer: who now owns their case (after a transfer)")
    ESCALATED = "escalated", _("To the escalation level: a ticket was escalated to you")
    TARGET_BREACHED = "target_breached", _("To the owner: a service target was missed")
    PROMISE_DUE = "promise_due", _("To the promise's owner: a promise falls due soon")
    AUTOMATION_NOTICE = "automation_notice", _("To an agent: a notice sent by an automation rule")
    COMPLIMENT = "compliment", _("To the praised person and their team's leads: a customer's compliment")
    SURVEY = "survey", _("To the customer: how did we do? (one-click survey after solving)")
    SURVEY_FOLLOW_UP = "survey_follow_up", _("To the team's leads: a customer gave a low survey score")
    REVIEWED = "reviewed", _("To an agent: a lead reviewed one of their conversations")


# Kinds that answer a customer automatically: the loop breaker counts them (mail/outbox.py).
AUTOMATIC = {Kind.ACKNOWLEDGEMENT}

SUBJECTS = {
    Kind.ACKNOWLEDGEMENT: "We have your request: {{ ticket.subject }} [{{ ticket.reference }}]",
    Kind.REPLY: "Re: {{ ticket.subject }} [{{ ticket.reference }}]",
    Kind.NEW_OWNER: "[{{ ticket.reference }}] {{ ticket.subject }} is now yours",
    Kind.CUSTOMER_REPLIED: "[{{ ticket.reference }}] {{ customer.name }} replied: {{ ticket.subject }}",
    Kind.MENTIONED: "[{{ ticket.reference }}] {{ author.name }} mentioned you: {{ ticket.subject }}",
    Kind.OWNER_INTRODUCED: "{{ agent.first_name }} is now looking after your request [{{ ticket.reference }}]",
    Kind.ESCALATED: "[{{ ticket.reference }}] Escalated to you: {{ ticket.subject }}",
    Kind.TARGET_BREACHED: "[{{ ticket.reference }}] {{ target.name }} target missed: {{ ticket.subject }}",
    Kind.PROMISE_DUE: "[{{ ticket.reference }}] Promise due {{ promise.due }}: {{ promise.what }}",
    Kind.AUTOMATION_NOTICE: "[{{ ticket.reference }}] {{ rule.name }}: {{ ticket.subject }}",
    Kind.COMPLIMENT: "A compliment for {{ agent.name }}{% if ticket.reference %} [{{ ticket.reference }}]{% endif %}",
    Kind.SURVEY: "How did we do? {{ ticket.subject }} [{{ ticket.reference }}]",
    Kind.SURVEY_FOLLOW_UP: "[{{ ticket.reference }}] Low {{ survey.kind }} score ({{ survey.score }}): {{ ticket.subject }}",
    Kind.REVIEWED: "[{{ ticket.reference }}] {{ review.reviewer }} reviewed your work on {{ ticket.subject }}",
}

BODIES = {
    Kind.ACKNOWLEDGEMENT: """Hello {{ customer.first_name }},

Thank you for writing to us. Your request has reached our {{ team.name }} team and one of us will answer you by email. Its reference is {{ ticket.reference }}.

    {{ ticket.subject }}

You can also follow it in our portal: {{ portal_url }}

(This is an automatic confirmation; please do not reply just to say thanks.)
""",
    Kind.REPLY: """{{ message.text }}

--
Your reference: {{ ticket.reference }}. Reply to this email or follow your case in the portal:
{{ portal_url }}
""",
    Kind.NEW_OWNER: """Ticket {{ ticket.reference }} "{{ ticket.subject }}" is now yours.
{% if reason %}
Reason: {{ reason }}{% endif %}{% if note %}
Hand-over note: {{ note }}{% endif %}

{{ ticket.url }}
""",
    Kind.CUSTOMER_REPLIED: """{{ customer.name }} replied on {{ ticket.reference }}:

{{ message.text }}

{{ ticket.url }}
""",
    Kind.MENTIONED: """{{ author.name }} mentioned you in a note on {{ ticket.reference }} "{{ ticket.subject }}":

{{ message.text }}

{{ ticket.url }}
""",
    Kind.OWNER_INTRODUCED: """Hello {{ customer.first_name }},

{{ agent.name }} of our {{ team.name }} team is now looking after your request {{ ticket.reference }}:

    {{ ticket.subject }}

{{ agent.first_name }} has everything you told us so far, so you will not need to repeat it. Reply to this email to reach {{ agent.first_name }} directly, or follow your case in our portal: {{ portal_url }}
""",
    Kind.ESCALATED: """{{ escalated_by.name }} escalated {{ ticket.reference }} "{{ ticket.subject }}" to you, at {{ level }}.

Reason: {{ reason }}

It stays on the escalations board until you record a resolution.

{{ ticket.url }}
""",
    Kind.TARGET_BREACHED: """The {{ target.name }} target on {{ ticket.reference }} "{{ ticket.subject }}" was due {{ target.due }} and has been missed.

{{ customer.name }} is waiting. {{ ticket.url }}
""",
    Kind.PROMISE_DUE: """You promised {{ customer.name }} on {{ ticket.reference }}:

    {{ promise.what }}

It is due {{ promise.due }}. Mark it kept on the ticket once it is done; if it is overdue it goes to your team lead.

{{ ticket.url }}
""",
    Kind.AUTOMATION_NOTICE: """The automation rule "{{ rule.name }}" asks you to look at {{ ticket.reference }} "{{ ticket.subject }}".
{% if note %}
{{ note }}{% endif %}

{{ ticket.url }}
""",
    Kind.COMPLIMENT: """{% if customer.name %}{{ customer.name }}{% else %}A customer{% endif %} had kind words for {{ agent.name }}{% if ticket.reference %} on {{ ticket.reference }} "{{ ticket.subject }}"{% endif %} ({{ compliment.source }}{% if compliment.logged_by %}, passed on by {{ compliment.logged_by }}{% endif %}):

    {{ compliment.text }}

Well done, and thank you. It is on the {{ team.name }} kudos wall: {{ compliment.wall_url }}
{% if ticket.url %}
{{ ticket.url }}{% endif %}
""",
    Kind.SURVEY: """Hello {{ customer.first_name }},

We have solved your request {{ ticket.reference }}:

    {{ ticket.subject }}

Would you tell us how we did? One click is enough.
{% for survey in surveys %}
{{ survey.question }}
{% for link in survey.links %}    {{ link.label }}: {{ link.url }}
{% endfor %}{% endfor %}
After your click you can add a comment, and change your answer for {{ change_days }} days. You can also answer in our portal: {{ portal_url }}
""",
    Kind.SURVEY_FOLLOW_UP: """{{ customer.name }} answered the {{ survey.kind }} survey on {{ ticket.reference }} "{{ ticket.subject }}" with {{ survey.score }}.
{% if survey.comment %}
Their comment: {{ survey.comment }}
{% endif %}
Look into it and mark the follow-up handled with a note: {{ follow_ups_url }}

{{ ticket.url }}
""",
    Kind.REVIEWED: """Hello {{ agent.first_name }},

{{ review.reviewer }} reviewed your work on {{ ticket.reference }} "{{ ticket.subject }}":
{% for rating in review.ratings %}
    {{ rating.behaviour }}: {{ rating.value }}{% endfor %}
    Resolution: {{ review.resolution }}
    Information correct: {{ review.accurate }}
{% if review.comment %}
{{ review.comment }}
{% endif %}
Your coaching page, with this review beside your figures and best replies: {{ review.url }}
""",
}
