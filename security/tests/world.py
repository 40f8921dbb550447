"""One small data set for the security sweep: reference data, the six actors and a few
objects of every kind a URL can point at (owned by Göteborg, so a Borås lead is "another
party")."""

import datetime as dt
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.management import call_command

from security.tests import parts

PASSWORD = "losenord-for-test-123"
# "vgr_lead": the lead of a VGR förvaltning that owns none of the objects (an
# ia-sahlgrenska-like user): VGR-affiliated, like registrator, styrgrupp and förvaltare.
BASE_ACTORS = ("anon", "own", "other", "registrator", "styrgrupp", "forvaltare", "vgr_lead")
# Then the actors the apps' parts add (security/tests/parts/).
ACTORS = BASE_ACTORS + tuple(actor.name for actor in parts.EXTRA_ACTORS)

# A minimal PDF: enough for the upload validators' content sniffing.
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@dataclass
class World:
    users: dict = field(default_factory=dict)
    obj: SimpleNamespace = field(default_factory=SimpleNamespace)


def build(text: str = "") -> World:
    """Create the data set. ``text``, when given, is appended to every free-text field the
    set fills in (the XSS test passes a payload)."""
    import os

    from django.contrib.contenttypes.models import ContentType

    from accounts.tests.factories import UserFactory
    from agreements.models import Agreement, AgreementDocument, Decision, JointBody, Party
    from bodies.models import Meeting as BodyMeeting
    from conferences.models import (
        ChecklistLink,
        ConferenceDocument,
        Invitation,
        PreMeeting,
        ProgrammeItem,
        Recipient,
        Registration,
    )
    from conferences.tests.factories import ConferenceFactory
    from escalation import services as esc_services
    from escalation.models import Case, HandlerRule, LadderStep
    from escalation.models import Category as EscCategory
    from implementation.models import (
        DevelopmentNeed,
        Evidence,
        Level,
        MembershipRole,
        Progress,
        ProgressLog,
        Responsibility,
        Unit,
        UnitMembership,
    )
    from reminders.models import Message, Reminder, user_key

    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    t = text
    party = {p.slug: p for p in Party.objects.filter(slug__in=["vgr", "goteborg", "boras", "mark"])}
    w = World()
    specs = {
        "own": ("s-ia-goteborg", "implementeringsansvarig", "goteborg"),
        "other": ("s-ia-boras", "implementeringsansvarig", "boras"),
        "registrator": ("s-registrator", "registrator", "vgr"),
        "styrgrupp": ("s-styrgrupp", "styrgrupp", "vgr"),
        "forvaltare": ("s-forvaltare", "forvaltare", "vgr"),
        "vgr_lead": ("s-ia-sahlgrenska", "implementeringsansvarig", "vgr"),
    }
    for actor, (username, role, slug) in specs.items():
        w.users[actor] = UserFactory(
            username=username, role=role, party=party[slug], title="Titel" + t
        )
    own, other = w.users["own"], w.users["other"]
    o = w.obj
    o.party = party["goteborg"]
    o.other_party = party["boras"]

    # --- implementation: a förvaltning led by "own" with a verksamhet; Borås has its own.
    o.forvaltning = Unit.objects.create(
        party=o.party, level=Level.FORVALTNING, name="Sweep-förvaltningen" + t, slug="s-forv"
    )
    o.verksamhet = Unit.objects.create(
        party=o.party,
        level=Level.VERKSAMHET,
        parent=o.forvaltning,
        name="Sweep-verksamheten" + t,
        slug="s-verks",
    )
    boras_f = Unit.objects.create(
        party=o.other_party, level=Level.FORVALTNING, name="Borås förvaltning", slug="s-bf"
    )
    o.membership = UnitMembership.objects.create(
        unit=o.forvaltning, user=own, role=MembershipRole.LEAD
    )
    o.boras_forvaltning = boras_f
    o.boras_membership = UnitMembership.objects.create(
        unit=boras_f, user=other, role=MembershipRole.LEAD
    )
    o.boras_need = DevelopmentNeed.objects.create(unit=boras_f, title="Borås behov")
    o.vgr_forvaltning = Unit.objects.create(
        party=party["vgr"], level=Level.FORVALTNING, name="Sweep-Sahlgrenska", slug="s-sahlgr"
    )
    UnitMembership.objects.create(
        unit=o.vgr_forvaltning, user=w.users["vgr_lead"], role=MembershipRole.LEAD
    )
    o.item = Responsibility.objects.filter(level=Level.VERKSAMHET, is_active=True).first()
    o.item.title = o.item.title[:200] + t
    o.item.description = "Beskrivning" + t
    o.item.save()
    o.phase = o.item.phase
    o.phase.description = "Fasbeskrivning" + t
    o.phase.save()
    o.progress = Progress.objects.create(
        unit=o.verksamhet, responsibility=o.item, status="pagar", next_step="Nästa steg" + t
    )
    o.evidence = Evidence(progress=o.progress, name="Underlag" + t)
    o.evidence.file.save("underlag.pdf", ContentFile(PDF), save=True)
    ProgressLog.objects.create(
        progress=o.progress,
        unit=o.verksamhet,
        responsibility=o.item,
        responsibility_title=o.item.title,
        status_before="ej_paborjad",
        status_after="pagar",
        comment="Påbörjat" + t,
        author=own,
    )
    o.need = DevelopmentNeed.objects.create(
        unit=o.verksamhet, title="Behov" + t, description="Beskrivning" + t, owner="Ägare" + t
    )

    # --- agreements: a decision of Göteborg and a document.
    o.agreement = Agreement.objects.new().first()
    o.decision = Decision.objects.create(
        party=o.party,
        agreement=o.agreement,
        decided_on=dt.date(2026, 4, 20),
        body=Decision.Body.KOMMUNFULLMAKTIGE,
        outcome=Decision.Outcome.ADOPTED,
        reference="KF § 1" + t,
        note="Notering" + t,
    )
    o.document = AgreementDocument(agreement=o.agreement, title="Avtalstext" + t)
    o.document.file.save("avtal.pdf", ContentFile(PDF), save=True)

    # --- escalation: a case Göteborg → VGR (Borås is not involved; registrator, styrgrupp
    # and förvaltare are VGR's: they read it, only the förvaltare acts).
    o.case = esc_services.case_open(
        actor=own,
        kind=Case.Kind.AVVIKELSE,
        title="Sweep-ärende" + t,
        description="Beskrivning" + t,
        agreement=Agreement.objects.get(slug="ok-betalningsansvar-2027"),
        reporting_party=o.party,
        receiving_party=party["vgr"],
        category=EscCategory.objects.get(slug="hemsjukvard"),
        diarienummer="D-1" + t[:20],
        notify=False,
    )
    if t:
        esc_services.case_comment(case=o.case, actor=own, text="Kommentar" + t)
    from escalation.models import Attachment, CaseContact

    o.attachment = Attachment(
        case=o.case, name="bilaga.pdf" + t[:20], kind="pdf", size=len(PDF), uploaded_by=own
    )
    o.attachment.file.save("bilaga.pdf", ContentFile(PDF), save=True)
    o.contact = CaseContact.objects.create(party=o.party, user=own)
    if t:
        # The two-party process's own texts and the sign-in records: rows for the XSS sweep
        # to poison (the access sweep needs none of them).
        from django.utils import timezone

        from accounts.models import (
            ExternalIdentity,
            IdentityProvider,
            OrganisationMapping,
            SignInEvent,
            UsedAssertion,
        )
        from escalation.models import CasePause, ResolutionProposal

        now = timezone.now()
        ResolutionProposal.objects.create(
            case=o.case,
            step_name="Steg" + t,
            outcome="Utfall" + t,
            proposed_by=own,
            proposing_party=o.party,
            answer_comment="Svar" + t,
        )
        CasePause.objects.create(
            case=o.case,
            period=o.case.periods.order_by("pk").last(),
            reason="Väntar på styrgruppen" + t,
            started_by=own,
            started_at=now,
            started_on=now.date(),
            ended_by=own,
            ended_at=now,
            ended_on=now.date(),
            resume_status=o.case.status,
        )
        # Inactive, so the login page's chooser does not try to use its payload metadata.
        o.idp = IdentityProvider.objects.create(
            name="Sweep-IdP" + t,
            slug="s-idp",
            protocol=IdentityProvider.Protocol.SAML,
            is_active=False,
        )
        OrganisationMapping.objects.create(identifier="SE2321000131" + t, party=o.party)
        ExternalIdentity.objects.create(user=own, provider=o.idp, subject="subjekt" + t)
        UsedAssertion.objects.create(provider=o.idp, assertion_id="id-1" + t)
        SignInEvent.objects.create(
            provider=o.idp,
            outcome=SignInEvent.Outcome.REFUSED,
            reason="okand_org",
            detail="Detalj" + t,
            subject="subjekt" + t,
        )
    o.step = LadderStep.objects.order_by("order").first()
    o.rule = HandlerRule.objects.filter(step=o.step).first()
    o.token = esc_services.calendar_token_get_or_create(user=own)

    # --- conferences: one with a registration, an invitation, a document and a link.
    o.conference = ConferenceFactory(
        slug="s-konferens",
        title="Sweep-konferensen" + t,
        venue="Plats" + t,
        address="Adress" + t,
        description="Beskrivning" + t,
        target_group="Målgrupp" + t,
        senders="Avsändare" + t,
        date_note="Datumnot" + t,
        duration_note="Längd" + t,
    )
    o.programme = ProgrammeItem.objects.create(
        conference=o.conference, title="Programpunkt" + t, speakers="Talare" + t
    )
    o.pre_meeting = PreMeeting.objects.create(
        conference=o.conference,
        date=o.conference.date - dt.timedelta(days=7),
        place="Plats" + t,
        participants="Deltagare" + t,
        note="Not" + t,
    )
    o.conf_document = ConferenceDocument(conference=o.conference, title="Program" + t)
    o.conf_document.file.save("program.pdf", ContentFile(PDF), save=True)
    o.registration = Registration.objects.create(
        conference=o.conference,
        name="Anna Andersson" + t,
        email="anna@kommun.test",
        party=o.party,
        role=Registration.Role.TJANSTEPERSON,
        title="Titel" + t,
        diet="Vegetarisk" + t,
        allergies="Sweep-allergi" + t,
        accessibility="Hörslinga" + t,
        consent_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC),
        status=Registration.Status.BEKRAFTAD,
    )
    o.invitation = Invitation.objects.create(
        conference=o.conference,
        subject="Inbjudan" + t,
        body="Välkommen" + t,
        created_by=w.users["registrator"],
    )
    o.recipient = Recipient.objects.create(
        invitation=o.invitation,
        email="mottagare@kommun.test",
        name="Mottagare" + t,
        organisation="Organisation" + t,
        source=Recipient.Source.IMPORT,
        error="Fel" + t,
    )
    o.link = ChecklistLink.objects.create(
        conference=o.conference, responsibility=o.item, created_by=w.users["forvaltare"]
    )

    # --- reminders: a failed message to "own"; a reminder.
    o.message = Message.objects.create(
        recipient=own,
        recipient_key=user_key(own.pk),
        email=own.email,
        day=dt.date(2026, 10, 1),
        kind="immediate",
        status="failed",
        last_error="SMTP" + t,
    )
    o.reminder = Reminder.objects.create(
        recipient=own,
        recipient_key=user_key(own.pk),
        email=own.email,
        content_type=ContentType.objects.get_for_model(Unit),
        object_id=o.verksamhet.pk,
        kind="checklist_first",
        due_date=dt.date(2026, 10, 15),
        send_on=dt.date(2026, 10, 1),
        source="Genomförande",
        title="Sweep-påminnelse" + t,
        url="/genomforande/",
        message=o.message,
    )

    # --- dashboard: a steering meeting.
    o.meeting = BodyMeeting.objects.create(
        body=JointBody.objects.get(slug="gemensam-styrgrupp"),
        date=dt.date(2026, 12, 10),
        title="Styrgruppsmöte" + t,
        note="Not" + t,
    )

    # --- each app's part of the sweep (security/tests/parts/).
    parts.build(o, w.users, t)
    missing = [actor for actor in ACTORS[1:] if actor not in w.users]
    assert not missing, f"no user for the extra actors {missing}"
    return w
