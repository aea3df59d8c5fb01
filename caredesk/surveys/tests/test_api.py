from caredesk.surveys import services

from .factories import sent


def test_staff_list_surveys_with_filters(api_client, ticket_factory, ticket, miggins, billing, alice):
    (good,) = sent(ticket, by=alice)
    other = ticket_factory.create(customer=miggins, team=billing, owner=alice, by=alice)
    (bad,) = sent(other, by=alice)
    services.answer(good, score=1)
    services.answer(bad, score=0, comment="Slow")
    client = api_client(alice)
    rows = client.get("/api/v1/surveys").json()
    assert [r["id"] for r in rows] == [bad.pk, good.pk]
    assert (rows[0]["score"], rows[0]["low"], rows[0]["comment"]) == (0, True, "Slow")
    assert [r["id"] for r in client.get("/api/v1/surveys?low=true").json()] == [bad.pk]
    assert [r["id"] for r in client.get("/api/v1/surveys?low=false").json()] == [good.pk]
    assert [r["id"] for r in client.get(f"/api/v1/surveys?before_id={bad.pk}").json()] == [good.pk]
    assert client.get("/api/v1/surveys?answered=false").json() == []
    assert client.get("/api/v1/surveys?kind=nps").json() == []


def test_an_agent_outside_a_private_team_sees_none_of_its_surveys(api_client, ticket, alice, charlie):
    sent(ticket, by=alice)
    assert api_client(charlie).get("/api/v1/surveys").json() == []


def test_customers_get_403(api_client, ticket, alice, miggins):
    sent(ticket, by=alice)
    assert api_client(miggins.user).get("/api/v1/surveys").status_code == 403


def test_a_bad_filter_is_a_422(api_client, alice):
    response = api_client(alice).get("/api/v1/surveys?limit=1000&kind=mood")
    assert response.status_code == 422


def test_since_takes_any_offset_iso_8601_allows(api_client, ticket, alice):
    # PostgreSQL refuses offsets past 16 hours: without the conversion to UTC this was a server error.
    (survey,) = sent(ticket, by=alice)
    client = api_client(alice)
    assert [r["id"] for r in client.get("/api/v1/surveys", {"since": "2000-01-01T00:00:00+19:28"}).json()] == [survey.pk]
    assert client.get("/api/v1/surveys", {"since": "2273-06-30T08:20:58+19:28"}).json() == []
    assert client.get("/api/v1/surveys", {"since": "9999-12-31T23:00:00-05:00"}).status_code == 422
