from caredesk.conversations import queries, search, services


def test_search_finds_words_in_subjects_and_messages(ticket, ticket_factory, miggins, billing, alice):
    other = ticket_factory.create(customer=miggins, team=billing, subject="Broken eggs", body="Half the eggs were cracked")
    services.reply(other, by=alice, body="We will send a replacement box")
    assert list(search.filter_tickets(queries.visible(alice), "charged twice").values_list("pk", flat=True)) == [ticket.pk]
    assert list(search.filter_tickets(queries.visible(alice), "replacement").values_list("pk", flat=True)) == [other.pk]


def test_search_ignores_query_syntax_typed_by_people(ticket, alice):
    assert list(search.filter_tickets(queries.visible(alice), 'charged" OR (NEAR *').values_list("pk", flat=True)) in ([], [ticket.pk])


def test_search_respects_permissions(ticket, charlie):
    assert not search.filter_tickets(queries.visible(charlie), "charged").exists()
