from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import UserBackend


def test_the_signed_in_user_comes_with_their_party(lead):
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(lead.pk)
        assert user.party.slug == "goteborg"
    assert len(queries.captured_queries) == 1


def test_an_inactive_or_unknown_user_is_nobody(lead):
    lead.is_active = False
    lead.save()
    assert UserBackend().get_user(lead.pk) is None
    assert UserBackend().get_user(10**9) is None


def test_a_page_header_names_the_party_without_a_query_of_its_own(client, lead, count_queries):
    client.force_login(lead)
    client.get("/", follow=True)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", follow=True)
    html = response.content.decode()
    assert "Göteborg" in html
    assert not [
        q
        for q in queries.captured_queries
        if 'FROM "agreements_party" WHERE' in q["sql"] and '"agreements_party"."id" =' in q["sql"]
    ]
