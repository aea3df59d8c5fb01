from caredesk.accounts import permissions
from caredesk.conversations import queries


def test_private_team_ticket_is_invisible_to_other_teams(ticket, charlie, bob, lena, ada):
    assert not permissions.can_see_ticket(charlie, ticket)
    assert not queries.visible(charlie).filter(pk=ticket.pk).exists()
    for user in (bob, lena, ada):
        assert permissions.can_see_ticket(user, ticket)
        assert queries.visible(user).filter(pk=ticket.pk).exists()


def test_sales_reads_public_team_tickets_but_cannot_work(ticket_factory, miggins, deliveries, charlie, sam):
    public = ticket_factory.create(customer=miggins, team=deliveries)
    assert permissions.can_see_ticket(sam, public)
    assert not permissions.can_work_on(sam, public)


def test_customer_sees_only_their_own_tickets(ticket, miggins, parker):
    assert permissions.can_see_ticket(miggins.user, ticket)
    assert not permissions.can_see_ticket(parker.user, ticket)
    assert list(queries.visible(parker.user)) == []


def test_inactive_user_sees_nothing(ticket, alice):
    alice.is_active = False
    alice.save()
    assert not permissions.can_see_ticket(alice, ticket)
    assert list(queries.visible(alice)) == []
