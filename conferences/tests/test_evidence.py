import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agreements.models import Party
from conferences import services
from conferences.evidence_link import checklist_link_add, conference_evidence
from conferences.models import ChecklistLink
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from implementation import evidence
from implementation.models import Level, Progress, ProgressLog, Responsibility, Status, Unit


@pytest.fixture
def verksamhet(reference_data):
    goteborg = Party.objects.get(slug="goteborg")
    forvaltning = Unit.objects.create(
        party=goteborg, level=Level.FORVALTNING, name="Äldreförvaltningen", slug="aldre"
    )
    return Unit.objects.create(
        party=goteborg,
        level=Level.VERKSAMHET,
        parent=forvaltning,
        name="Hemsjukvården Centrum",
        slug="hemsjukvarden-centrum",
    )


@pytest.fixture
def item(reference_data):
    return Responsibility.objects.get(code="p2-verksamhet-dialogkonferenser")


def test_attendance_marks_the_linked_item_done(verksamhet, item, forvaltare, registrator):
    conference = ConferenceFactory(date=timezone.localdate())  # check-in: on the day
    checklist_link_add(conference=conference, responsibility=item, actor=forvaltare)
    link = ChecklistLink.objects.get()
    assert LogEntry.objects.get_for_object(link).get().actor == forvaltare
    person = RegistrationFactory(conference=conference, unit=verksamhet, name="Greta G")
    other = RegistrationFactory(conference=conference, unit=None)
    services.registration_set_attended(registration=other, attended=True, actor=registrator)
    assert not Progress.objects.exists()
    services.registration_set_attended(registration=person, attended=True, actor=registrator)
    progress = Progress.objects.get(unit=verksamhet, responsibility=item)
    assert progress.status == Status.KLAR
    log = ProgressLog.objects.get(progress=progress)
    assert "Greta G" in log.comment and log.author == registrator


def test_unlinked_conference_marks_nothing(verksamhet, item, registrator):
    conference = ConferenceFactory(date=timezone.localdate())  # check-in: on the day
    person = RegistrationFactory(conference=conference, unit=verksamhet)
    services.registration_set_attended(registration=person, attended=True, actor=registrator)
    assert not Progress.objects.exists()


def test_linking_afterwards_counts_earlier_attendance(verksamhet, item, forvaltare):
    conference = ConferenceFactory(date=timezone.localdate())  # check-in: on the day
    RegistrationFactory(conference=conference, unit=verksamhet, attended=True)
    checklist_link_add(conference=conference, responsibility=item, actor=forvaltare)
    assert Progress.objects.get(unit=verksamhet, responsibility=item).status == Status.KLAR
    with pytest.raises(ValidationError, match="redan kopplad"):
        checklist_link_add(conference=conference, responsibility=item, actor=forvaltare)


def test_provider_shows_registrations_and_attendance(
    verksamhet, item, forvaltare, django_assert_max_num_queries
):
    assert conference_evidence in evidence.providers()
    first = ConferenceFactory(title="Dialogkonferens")
    second = ConferenceFactory(title="Annan konferens")
    checklist_link_add(conference=first, responsibility=item, actor=forvaltare)
    RegistrationFactory(conference=first, unit=verksamhet, attended=True)
    RegistrationFactory(conference=first, unit=verksamhet)
    RegistrationFactory(conference=first, unit=verksamhet, status="avbokad")
    RegistrationFactory(conference=first, unit=verksamhet, status="vantelista")
    RegistrationFactory(conference=second, unit=verksamhet)  # not linked
    with django_assert_max_num_queries(2):
        lines = conference_evidence([verksamhet.pk, 999], [item.pk])
    (line,) = lines[(verksamhet.pk, item.pk)]
    assert line.text.startswith("Dialogkonferens ")
    # Confirmed and waiting are counted separately (issue 17).
    assert line.text.endswith(": 2 bekräftade, 1 på väntelistan, 1 närvarade")
    assert line.done
    many_units = list(range(1, 2000))
    with django_assert_max_num_queries(2):
        conference_evidence(many_units + [verksamhet.pk], [item.pk])
    collected = evidence.collect([verksamhet.pk], [item.pk])
    assert any("bekräftade" in entry.text for entry in collected[(verksamhet.pk, item.pk)])


def test_only_forvaltare_links(client, registrator, forvaltare, item):
    conference = ConferenceFactory(date=timezone.localdate())  # check-in: on the day
    url = reverse("conferences:evidence", args=[conference.slug])
    client.force_login(registrator)
    assert client.get(url).status_code == 403
    assert client.post(url, {"responsibility": item.pk}).status_code == 403
    assert not ChecklistLink.objects.exists()
    client.force_login(forvaltare)
    page = client.get(url)
    assert page.status_code == 200
    assert "Delta på dialogkonferenser" in page.content.decode()
    client.post(url, {"responsibility": item.pk})
    link = ChecklistLink.objects.get()
    assert link.responsibility == item and link.created_by == forvaltare
    client.post(url, {"remove": link.pk})
    assert not ChecklistLink.objects.exists()
