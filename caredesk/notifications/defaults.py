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


# Kinds that answer a customer automatically: the loop breaker counts them (mail/outbox.py).
AUTOMATIC = {Kind.ACKNOWLEDGEMENT}

SUBJECTS = {
    Kind.ACKNOWLEDGEMENT: "We have your request: {{ ticket.subject }} [{{ ticket.reference }}]",
    Kind.REPLY: "Re: {{ ticket.subject }} [{{ ticket.reference }}]",
    Kind.NEW_OWNER: "[{{ ticket.reference }}] {{ ticket.subject }} is now yours",
    Kind.CUSTOMER_REPLIED: "[{{ ticket.reference }}] {{ customer.name }} replied: {{ ticket.subject }}",
    Kind.MENTIONED: "[{{ ticket.reference }}] {{ author.name }} mentioned you: {{ ticket.subject }}",
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
}
