import pytest
from auditlog.models import LogEntry

from agreements.models import Party
from core.audit import audit_actor, history_for


@pytest.mark.django_db
def test_a_change_records_who_when_and_before_after(forvaltare):
    party = Party.objects.get(slug="ale")
    with audit_actor(forvaltare):
        party.registry_email = "ny@ale.se"
        party.save()
    entry = history_for(party)[0]
    assert entry.actor == forvaltare
    assert entry.label == "Ändrad"
    assert [(b, a) for _name, b, a in entry.changes] == [("kommun@ale.se", "ny@ale.se")]
    assert (
        LogEntry.objects.get_for_object(party).latest("timestamp").action == LogEntry.Action.UPDATE
    )


@pytest.mark.django_db
def test_history_is_shown_on_the_page(client, forvaltare):
    from django.template import Context, Template

    party = Party.objects.get(slug="ale")
    with audit_actor(forvaltare):
        party.registry_email = "ny@ale.se"
        party.save()
    html = Template("{% historik party %}").render(Context({"party": party}))
    assert "ny@ale.se" in html and "kommun@ale.se" in html
    assert forvaltare.get_full_name() in html
