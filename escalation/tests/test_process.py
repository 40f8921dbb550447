"""The two-party process: both parties always in the case, resolution recognised by both,
pause with the clock stopped, the parties' ärendeansvariga, plain Swedish dates."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from escalation import services
from escalation.models import (
    Case,
    CaseContact,
    CaseEvent,
    CaseHandler,
    CaseMailbox,
    CasePause,
    CaseStepPeriod,
    LadderStep,
    ResolutionProposal,
)
from escalation.services import TransitionError

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _current_handlers(case) -> set[str]:
    period = CaseStepPeriod.objects.get(case=case, ended_at__isnull=True)
    return set(CaseHandler.objects.filter(period=period).values_list("user__username", flat=True))


# --- both parties are always in the case ----------------------------------------------------
@pytest.fixture
def goteborg_case(gbg_lead, vgr_lead, parties, agreement, forvaltare, category):
    """Göteborg against VGR, no units named; VGR has an ärendeansvarig (vgr_lead) and a
    function address."""
    services.mailbox_set(actor=forvaltare, party=parties["vgr"], email="arenden@vgr.example")

    def make(**extra):
        return services.case_open(
            actor=gbg_lead,
            kind=Case.Kind.AVVIKELSE,
            title="Läkarbesök ställs in",
            description="Planerade läkarbesök ställs in utan ersättare.",
            agreement=agreement,
            category=category,
            reporting_party=parties["goteborg"],
            receiving_party=parties["vgr"],
            **extra,
        )

    return make


def test_without_a_receiving_unit_the_receiving_partys_contacts_handle_and_are_told(
    goteborg_case, vgr_lead, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = goteborg_case()
    assert _current_handlers(case) == {"t-esk-vgr"}
    assert sorted(m.to[0] for m in mailbox) == ["arenden@vgr.example", vgr_lead.email]
    personal = next(m for m in mailbox if m.to == [vgr_lead.email])
    assert f"/eskalering/arenden/{case.pk}/" in personal.body
    assert "Läkarbesök ställs in" in personal.body
    # At every step after, too: step 2's rule (förvaltning leads) names nobody for VGR.
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_escalate(case=case, actor=case.opened_by, reason="Ingen enighet.")
    assert "t-esk-vgr" in _current_handlers(case)
    assert sorted(m.to[0] for m in mailbox) == ["arenden@vgr.example", vgr_lead.email]


def test_a_notice_per_handler_per_step_is_sent_exactly_once(
    goteborg_case, vgr_lead, mailbox, django_capture_on_commit_callbacks
):
    from core.models import OutboxMessage
    from escalation.tasks import notify_step_handlers

    with django_capture_on_commit_callbacks(execute=True):
        case = goteborg_case()
    period = case.periods.get()
    base = f"escalation:case:{case.pk}:period:{period.pk}"
    keys = set(OutboxMessage.objects.values_list("key", flat=True))
    assert keys == {f"{base}:handler:{vgr_lead.pk}", f"{base}:mailbox:arenden@vgr.example"}
    assert len(mailbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_step_handlers(case.pk, period.pk) == 0
    assert OutboxMessage.objects.count() == 2 and len(mailbox) == 2


def test_the_parties_must_be_vgr_and_a_municipality(open_case, parties, forvaltare):
    with pytest.raises(ValidationError) as error:
        open_case(actor=forvaltare, receiving_party=parties["mark"])  # Borås → Mark
    assert "VGR och en kommun" in str(error.value.message_dict["receiving_party"])
    assert not Case.objects.exists()


def test_a_municipality_vs_municipality_case_is_refused_by_the_form(
    client, boras_lead, parties, agreement, category
):
    client.force_login(boras_lead)
    response = client.post(
        reverse("escalation:create"),
        {
            "kind": "avvikelse",
            "title": "Tvist med grannkommunen",
            "description": "Beskrivning.",
            "agreement": agreement.pk,
            "category": category.pk,
            "receiving_party": parties["mark"].pk,
        },
    )
    assert response.status_code == 200
    assert "gäller VGR och en kommun" in response.content.decode()
    assert not Case.objects.exists()


def test_styrgrupp_and_registrator_do_not_open_cases(client, styrgrupp_user, registrator):
    for user in (styrgrupp_user, registrator):
        client.force_login(user)
        assert client.get(reverse("escalation:create")).status_code == 403


# --- resolution both sides recognise --------------------------------------------------------
def test_a_proposal_confirmed_by_the_other_side_resolves_and_shows_who_agreed_when(
    goteborg_case, gbg_lead, vgr_lead, client
):
    case = goteborg_case()
    with time_machine.travel(at(dt.date(2027, 1, 28)), tick=False):
        proposal = services.case_propose(
            case=case, actor=gbg_lead, outcome="VGR ordnar ersättare vid inställda besök."
        )
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN  # not resolved by one side
    with pytest.raises(PermissionDenied):  # the proposer's own side cannot confirm
        services.case_answer(case=case, actor=gbg_lead, accept=True)
    with time_machine.travel(at(dt.date(2027, 2, 1)), tick=False):
        services.case_answer(case=case, actor=vgr_lead, accept=True, comment="Vi är överens.")
    case.refresh_from_db()
    proposal.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert case.outcome == "VGR ordnar ersättare vid inställda besök."
    assert (proposal.status, proposal.answered_by, proposal.answering_party.slug) == (
        "bekraftad",
        vgr_lead,
        "vgr",
    )
    assert proposal.proposing_party.slug == "goteborg"
    assert case.periods.filter(ended_at__isnull=True).count() == 0
    entry = LogEntry.objects.get_for_object(proposal).order_by("pk").last()
    assert entry.actor == vgr_lead and entry.changes_dict["status"] == ["vantar", "bekraftad"]
    client.force_login(gbg_lead)
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    assert "Föreslaget av" in page and "(Göteborg) 28 januari 2027" in page
    assert "Bekräftat av" in page and "(Västra Götalandsregionen) 1 februari 2027" in page


def test_a_rejection_needs_a_comment_and_the_case_goes_on(goteborg_case, gbg_lead, vgr_lead):
    case = goteborg_case()
    services.case_propose(case=case, actor=vgr_lead, outcome="Göteborg bokar om besöken.")
    with pytest.raises(ValidationError):
        services.case_answer(case=case, actor=gbg_lead, accept=False, comment="")
    services.case_answer(case=case, actor=gbg_lead, accept=False, comment="Räcker inte.")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    assert case.proposals.get().status == ResolutionProposal.Status.REJECTED
    assert list(case.events.values_list("kind", flat=True)) == ["oppnat", "forslag", "avvisat"]
    # A new proposal can follow.
    services.case_propose(case=case, actor=gbg_lead, outcome="Ny rutin för ersättare.")
    assert case.proposals.filter(status="vantar").count() == 1


def test_the_current_body_records_the_decision(goteborg_case, make_user, parties, gbg_lead):
    sg = make_user(username="t-sg", role="styrgrupp", party=parties["vgr"])
    case = goteborg_case()
    for reason in "abc":
        case = services.case_escalate(case=case, actor=gbg_lead, reason=reason)
    services.case_propose(case=case, actor=gbg_lead, outcome="Förslag från Göteborg.")
    with pytest.raises(PermissionDenied):  # a party cannot record a body's decision
        services.case_resolve(case=case, actor=gbg_lead, outcome="Vi bestämmer själva.")
    case = services.case_resolve(
        case=case, actor=sg, outcome="Styrgruppen fastställer rutinen.", decision="§ 12"
    )
    assert case.status == Case.Status.RESOLVED and case.decision == "§ 12"
    assert case.proposals.get().status == ResolutionProposal.Status.WITHDRAWN
    event = case.events.get(kind=CaseEvent.Kind.RESOLVED)
    assert event.actor == sg and event.text.startswith("Beslut av Gemensam styrgrupp:")


# --- pause ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("paused_on", "resumed_on", "days", "deadline"),
    [
        # Midsommar 2027: Mon 21 – Thu 24 June count, Fri 25 (midsommarafton) does not.
        (dt.date(2027, 6, 21), dt.date(2027, 6, 28), 4, dt.date(2027, 8, 9)),
        # Jul 2026: 21–23 Dec, 28–30 Dec, 4–5 Jan count; julafton, juldagen, annandagen,
        # nyårsafton, nyårsdagen and trettondedagen do not.
        (dt.date(2026, 12, 21), dt.date(2027, 1, 7), 8, dt.date(2027, 2, 18)),
    ],
)
def test_a_pause_moves_the_deadline_by_exactly_the_paused_working_days(
    goteborg_case, gbg_lead, vgr_lead, paused_on, resumed_on, days, deadline
):
    step = LadderStep.objects.get(order=1)
    services.ladder_step_save(actor=None, step=step, time_limit=40, time_unit="arbetsdagar")
    opened = paused_on - dt.timedelta(days=14)  # a Monday: 40 working days run past the pause
    with time_machine.travel(at(opened), tick=False):
        case = goteborg_case()
    before = case.step_deadline
    with time_machine.travel(at(paused_on), tick=False):
        services.case_pause(case=case, actor=vgr_lead, reason="Väntar på styrgruppens möte.")
    case.refresh_from_db()
    assert case.status == Case.Status.PAUSED
    with time_machine.travel(at(resumed_on), tick=False):
        case = services.case_resume(case=case, actor=gbg_lead)
    from escalation.workdays import add_working_days

    assert case.step_deadline == add_working_days(before, days) == deadline
    assert case.status == Case.Status.OPEN
    pause = CasePause.objects.get(case=case)
    assert (pause.working_days, pause.ended_by) == (days, gbg_lead)
    period = case.periods.get()
    assert (period.deadline, period.paused_working_days) == (deadline, days)
    event = case.events.get(kind=CaseEvent.Kind.RESUMED)
    assert f"{days} arbetsdagar" in event.text
    assert services.long_date(deadline) in event.text  # "9 augusti 2027", not ISO
    assert deadline.isoformat() not in event.text


def test_a_pause_needs_a_reason_and_a_paused_case_cannot_move(goteborg_case, gbg_lead):
    case = goteborg_case()
    with pytest.raises(ValidationError):
        services.case_pause(case=case, actor=gbg_lead, reason=" ")
    services.case_pause(case=case, actor=gbg_lead, reason="Väntar på möte.")
    case.refresh_from_db()
    with pytest.raises(TransitionError):
        services.case_escalate(case=case, actor=gbg_lead, reason="x")
    with pytest.raises(TransitionError):
        services.case_pause(case=case, actor=gbg_lead, reason="igen")


def test_warnings_and_reminders_respect_the_pause(goteborg_case, gbg_lead):
    from reminders.models import Kind, ReminderSettings
    from reminders.services import reminder_candidates

    config = ReminderSettings.load()
    with time_machine.travel(at(dt.date(2026, 11, 2)), tick=False):
        case = goteborg_case()
    late = case.step_deadline + dt.timedelta(days=1)

    def fired():
        kinds = {Kind.ESCALATION_WARNING, Kind.ESCALATION_OVERDUE}
        return [c for c in reminder_candidates(today=late, config=config) if c.kind in kinds]

    assert fired()  # overdue while the clock runs
    services.case_pause(case=case, actor=gbg_lead, reason="Väntar på möte.")
    assert fired() == []
    from escalation import selectors

    case.refresh_from_db()
    assert selectors.deadline_state(case, late) == ""  # no "Försenat" badge while paused


# --- the deadline in plain Swedish ------------------------------------------------------------
def test_the_deadline_explains_a_move_to_the_next_working_day(goteborg_case, client, gbg_lead):
    step = LadderStep.objects.get(order=1)
    services.ladder_step_save(actor=None, step=step, time_limit=30, time_unit="dagar")
    with time_machine.travel(at(dt.date(2026, 12, 3)), tick=False):
        case = goteborg_case()  # 3 Dec + 30 = 2 Jan 2027 (Saturday) → Mon 4 Jan
        client.force_login(gbg_lead)
        response = client.post(
            reverse("escalation:create"),
            {
                "kind": "avvikelse",
                "title": "Ännu ett",
                "description": "Text.",
                "agreement": case.agreement_id,
                "category": case.category_id,
                "receiving_party": case.receiving_party_id,
            },
            follow=True,
        )
    page = response.content.decode()
    assert "30 kalenderdagar – flyttad till närmaste arbetsdag (4 januari 2027)" in page
    assert "Tidsgräns: 4 januari 2027." in page  # the flash message: no ISO date
    assert "2027-01-04." not in page


def test_selects_have_swedish_empty_labels(client, gbg_lead):
    client.force_login(gbg_lead)
    page = client.get(reverse("escalation:create")).content.decode()
    assert "---------" not in page
    assert "Välj överenskommelse" in page and "Välj ansvarsområde" in page
    assert "Ingen särskild enhet" in page


def test_the_history_shows_labels_not_field_names(goteborg_case, gbg_lead, client, category):
    case = goteborg_case()
    services.case_update_details(
        case=case, actor=gbg_lead, diarienummer="RS 2026-01234", is_systemic=True
    )
    client.force_login(gbg_lead)
    page = client.get(reverse("escalation:detail", args=[case.pk])).content.decode()
    history = page[page.index("Ändringshistorik") :]
    assert "diarienummer:" in history.lower() and "systemfel:" in history.lower()
    for internal in ("is_systemic", "diarienummer_", "step_deadline", "category_id"):
        assert internal not in history


# --- the parties' ärendeansvariga --------------------------------------------------------------
def test_the_forvaltare_appoints_contacts_and_a_function_address_in_the_portal(
    client, forvaltare, parties, make_user, gbg_lead
):
    person = make_user(username="t-kontakt", party=parties["goteborg"])
    client.force_login(forvaltare)
    assert client.get(reverse("escalation:contacts")).status_code == 200
    response = client.post(
        reverse("escalation:contacts"),
        {"form": "contact", "party": parties["goteborg"].pk, "user": person.pk},
    )
    assert response.status_code == 302
    contact = CaseContact.objects.get()
    assert (contact.party, contact.user) == (parties["goteborg"], person)
    assert LogEntry.objects.get_for_object(contact).get().actor == forvaltare
    # A person of another party is refused, with a Swedish message and nothing saved.
    response = client.post(
        reverse("escalation:contacts"),
        {"form": "contact", "party": parties["vgr"].pk, "user": person.pk},
    )
    assert response.status_code == 400
    assert "hör inte till den valda parten" in response.content.decode()
    response = client.post(
        reverse("escalation:contacts"),
        {"form": "mailbox", "party": parties["goteborg"].pk, "email": "arenden@goteborg.example"},
    )
    assert response.status_code == 302
    assert CaseMailbox.objects.get().email == "arenden@goteborg.example"
    page = client.get(reverse("escalation:contacts")).content.decode()
    assert "arenden@goteborg.example" in page and "---------" not in page
    client.post(reverse("escalation:contact_remove", args=[contact.pk]))
    assert not CaseContact.objects.exists()
    # Nobody else may.
    client.force_login(gbg_lead)
    assert client.get(reverse("escalation:contacts")).status_code == 403
    response = client.post(
        reverse("escalation:contacts"),
        {"form": "contact", "party": parties["goteborg"].pk, "user": gbg_lead.pk},
    )
    assert response.status_code == 403 and not CaseContact.objects.exists()
