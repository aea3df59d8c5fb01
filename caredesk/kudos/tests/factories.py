"""Kudos built through the service, as staff would log them."""

from caredesk.kudos import services
from caredesk.kudos.models import Kudos


def logged(person, *, by, text="She was lovely on the phone.", source=Kudos.Source.PHONE, team=None, ticket=None) -> Kudos:
    return services.log_compliment(person=person, text=text, source=source, by=by, team=team, ticket=ticket)
