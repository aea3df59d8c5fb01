"""Canned replies: a Macro's body filled in for one ticket, as plain text for the reply box.

A macro is written by staff, but it is still a template run on the server, so it runs in a sandbox:
an engine with no tags at all (no {% include %}, {% load %}, {% debug %}), only the built-in filters,
and a context of plain strings. The placeholders a macro may use are exactly PLACEHOLDERS.
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import VariableNode
from django.utils.translation import gettext as _

from caredesk.accounts.models import User

from .models import Macro, Ticket

PLACEHOLDERS = (
    "customer.first_name",
    "customer.name",
    "ticket.reference",
    "ticket.subject",
    "agent.first_name",
    "agent.name",
)


class _SandboxEngine(Engine):
    # Filters only: every tag, even {% if %}, is a syntax error in a macro.
    default_builtins: ClassVar[list[str]] = ["django.template.defaultfilters"]


_engine = _SandboxEngine(loaders=[], autoescape=False)


def _context(ticket: Ticket, agent: User | None) -> dict:
    if agent is not None:
        signer = {"first_name": agent.first_name, "name": agent.get_full_name() or agent.email}
    else:  # sent by an automation on a ticket nobody owns: signed by the team
        team = _("The %(team)s team") % {"team": ticket.team.name} if ticket.team_id else ""
        signer = {"first_name": team, "name": team}
    return {
        "customer": {"first_name": ticket.customer.first_name, "name": ticket.customer.name},
        "ticket": {"reference": ticket.reference, "subject": ticket.subject},
        "agent": signer,
    }


def _shown(name: str) -> str:
    return "{{ " + name + " }}"


def _unknown_placeholders(template) -> list[str]:
    names = []
    for node in template.nodelist.get_nodes_by_type(VariableNode):
        name = str(node.filter_expression.var)
        if name not in PLACEHOLDERS:
            names.append(name)
    return names


def render(macro: Macro, ticket: Ticket, agent: User | None) -> str:
    """The macro's body for this ticket, written by `agent` (None: by an automation, signed by the team). A body that is not a valid macro raises
    ValidationError saying what is wrong, so the reply box can show it instead of a server error."""
    allowed = ", ".join(_shown(name) for name in PLACEHOLDERS)
    try:
        template = _engine.from_string(macro.body)
    except TemplateSyntaxError as error:
        raise ValidationError(
            _("The macro “%(name)s” cannot be used: %(error)s. Placeholders it may use: %(allowed)s.")
            % {"name": macro.name, "error": error, "allowed": allowed}
        ) from None
    if unknown := _unknown_placeholders(template):
        raise ValidationError(
            _("The macro “%(name)s” uses unknown placeholders: %(unknown)s. It may use: %(allowed)s.")
            % {
                "name": macro.name,
                "unknown": ", ".join(_shown(name) for name in unknown),
                "allowed": allowed,
            }
        )
    return template.render(Context(_context(ticket, agent), autoescape=False))
