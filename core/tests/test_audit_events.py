"""Explicit audit events (core.audit.record / record_many) and the data version they move."""

import pytest
from django.db import transaction
from django.template import Context, Template
from django.utils.translation import gettext_lazy as _

from agreements.models import Party
from core import fragments
from core.audit import AuditAction, data_version, history_for, record, record_many
from core.models import AuditEvent


class PartyTestAction(AuditAction):
    NOTED = "core.test.noted", _("Noterades i ett test")


def test_an_action_must_come_from_a_vocabulary(db, forvaltare):
    party = Party.objects.get(slug="ale")
    with pytest.raises(TypeError):
        record(actor=None, action="core.test.noted", obj=party)
    assert not AuditEvent.objects.exists()


def test_record_writes_who_what_and_moves_the_version(db, forvaltare):
    party = Party.objects.get(slug="ale")
    before = data_version()
    record(actor=forvaltare, action=PartyTestAction.NOTED, obj=party, data={"namn": ["A", "B"]})
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.object_pk) == (
        forvaltare,
        "core.test.noted",
        str(party.pk),
    )
    assert event.object_repr == str(party)
    assert event.data == {"namn": ["A", "B"]}
    assert data_version() == before + 1
    assert fragments.data_version() == before + 1


def test_record_many_is_one_insert_and_one_bump(db, forvaltare, django_assert_num_queries):
    parties = list(Party.objects.order_by("pk")[:30])
    before = data_version()
    record_many(
        actor=forvaltare, action=PartyTestAction.NOTED, objs=parties, data={"x": 1}
    )  # warm CT
    with django_assert_num_queries(4):  # savepoint, INSERT, UPDATE version, release
        written = record_many(
            actor=forvaltare,
            action=PartyTestAction.NOTED,
            objs=parties,
            data=lambda p: {"slug": p.slug},
        )
    assert written == 30
    assert AuditEvent.objects.count() == 60
    assert data_version() == before + 2
    assert AuditEvent.objects.filter(data={"slug": "ale"}).count() == 1


def test_a_rolled_back_change_leaves_no_event_and_no_version(db, forvaltare):
    party = Party.objects.get(slug="ale")
    before = data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=forvaltare, action=PartyTestAction.NOTED, obj=party)
        raise RuntimeError
    assert not AuditEvent.objects.exists()
    assert data_version() == before


def test_an_anonymous_actor_is_recorded_as_the_system(db, forvaltare):
    from django.contrib.auth.models import AnonymousUser

    party = Party.objects.get(slug="ale")
    record(actor=AnonymousUser(), action=PartyTestAction.NOTED, obj=party)
    assert AuditEvent.objects.get().actor is None


def test_the_history_merges_events_and_row_diffs_newest_first(db, forvaltare):
    from core.audit import audit_actor

    party = Party.objects.get(slug="ale")
    with audit_actor(forvaltare):
        party.registry_email = "ny@ale.se"
        party.save()
    record(
        actor=forvaltare,
        action=PartyTestAction.NOTED,
        obj=party,
        data={"status": ["utkast", "klar"], "kommentar": "=1+1", "mottagare": ["a", "b", "c"]},
    )
    rows = history_for(party)
    assert [row.label for row in rows][:2] == ["Noterades i ett test", "Ändrad"]
    assert rows[0].changes == [("status", "utkast", "klar")]
    assert rows[0].notes == [("kommentar", "=1+1"), ("mottagare", "a, b, c")]
    html = Template("{% historik party %}").render(Context({"party": party}))
    assert "Noterades i ett test" in html and "utkast" in html and "ny@ale.se" in html


def test_a_row_diff_moves_the_version_too(db, forvaltare):
    from core.audit import audit_actor

    party = Party.objects.get(slug="ale")
    before = data_version()
    with audit_actor(forvaltare):
        party.registry_email = "ny@ale.se"
        party.save()
    assert data_version() == before + 1
