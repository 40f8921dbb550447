"""The documents app's share of the security sweep: joint documents, remiss rounds, the
backing register, dispatches and the two signed personal links (remiss answer, receipt).

Documents, versions, files and the backing register: every signed-in user reads; remiss rounds,
answers and dispatches: registrator, förvaltare and styrgrupp read; registrator and förvaltare
write. The personal links are public: the signed link is the right.
"""

import datetime as dt

from django.core.files.base import ContentFile

from security.tests.rules import (
    CONF_ACTION_GET,
    PUBLIC,
    READ,
    READ_POST,
    RECORDERS_GET,
    RECORDERS_POST,
    TEXT,
    Rule,
)

READERS_GET = "L 403 403 200 200 200"
READERS_POST = READ_POST  # a read-only page refuses POST before any check
LINK_POST = "ok ok ok ok ok ok"
GET_ONLY_POST = "L 405 405 405 405 405"

ANSWER_SECRET = "Sweep-remissvar"
RECIPIENT_SECRET = "kvittens@kommun.test"


def build(o, users, t: str) -> None:
    from django.utils import timezone

    from agreements.models import Party
    from documents.models import (
        Backing,
        Dispatch,
        DispatchAttachment,
        DispatchRecipient,
        Document,
        DocumentVersion,
        RemissAnswerFile,
        RemissRecipient,
        RemissRound,
        VersionFile,
    )
    from security.tests.world import PDF

    now = timezone.now()
    o.doc = Document.objects.create(
        title="Riktlinje" + t, kind=Document.Kind.GUIDELINE, description="Beskrivning" + t
    )
    o.doc_version = DocumentVersion.objects.create(
        document=o.doc, number=1, stage=DocumentVersion.Stage.REMISS, note="Not" + t
    )
    o.doc_final = DocumentVersion.objects.create(
        document=o.doc, number=2, stage=DocumentVersion.Stage.FINAL, note="Slutlig" + t
    )
    o.doc_file = VersionFile(version=o.doc_version, name="riktlinje.pdf")
    o.doc_file.file.save("riktlinje.pdf", ContentFile(PDF), save=True)
    o.remiss = RemissRound.objects.create(
        version=o.doc_version,
        title="Remiss" + t,
        opens_on=dt.date(2026, 1, 1),
        deadline=dt.date(2026, 2, 28),
        sent_at=now,
    )
    o.remiss_recipient = RemissRecipient.objects.create(
        round=o.remiss,
        party=o.party,
        name=o.party.name,
        email="registrator@goteborg.test",
        answer=RemissRecipient.Answer.STATEMENT,
        text=ANSWER_SECRET + t,
        answered_at=now,
    )
    o.remiss_file = RemissAnswerFile(recipient=o.remiss_recipient, name="svar.pdf")
    o.remiss_file.file.save("svar.pdf", ContentFile(PDF), save=True)
    o.dispatch = Dispatch.objects.create(
        subject="Utskick" + t,
        text="Text" + t,
        audiences=[Dispatch.Audience.REGISTRARS],
        sent_at=now,
    )
    o.dispatch_attachment = DispatchAttachment(dispatch=o.dispatch, name="bilaga.pdf")
    o.dispatch_attachment.file.save("bilaga.pdf", ContentFile(PDF), save=True)
    o.dispatch_recipient = DispatchRecipient.objects.create(
        dispatch=o.dispatch,
        audience=Dispatch.Audience.FEDERATIONS,
        name="GR",
        organisation="Göteborgsregionen",
        email=RECIPIENT_SECRET,
    )
    o.dispatch_draft = Dispatch.objects.create(
        subject="Utkast" + t, text="Text" + t, audiences=[Dispatch.Audience.REGISTRARS]
    )
    o.vgr_party = Party.objects.get(slug="vgr")
    o.backing = Backing.objects.create(
        version=o.doc_final,
        party=o.vgr_party,
        body="Regionstyrelsen" + t,
        decided_on=dt.date(2026, 9, 1),
        outcome=Backing.Outcome.BACKED,
        reference="RS 2026/1" + t,
    )


def _pk(attribute):
    return lambda o: {"pk": getattr(o, attribute).pk}


def _backing_payload(o):
    return {
        "party": o.vgr_party.pk,
        "body": TEXT,
        "decided_on": "2026-01-10",
        "outcome": "bakom",
        "reference": TEXT,
    }


ACCESS = {
    "documents:index": Rule(READ, READ_POST),
    "documents:create": Rule(RECORDERS_GET, RECORDERS_POST, {"title": TEXT, "kind": "material"}),
    "documents:detail": Rule(READ, READ_POST),
    "documents:update": Rule(RECORDERS_GET, RECORDERS_POST, {"title": TEXT, "kind": "material"}),
    "documents:version_create": Rule(
        RECORDERS_GET, RECORDERS_POST, {"stage": "utkast", "note": TEXT}
    ),
    "documents:version_update": Rule(
        RECORDERS_GET, RECORDERS_POST, {"stage": "remissversion", "note": TEXT}
    ),
    "documents:file_add": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "documents:file": Rule(READ, GET_ONLY_POST),
    "documents:backing": Rule(READ, RECORDERS_POST, _backing_payload),
    "documents:round_create": Rule(
        RECORDERS_GET,
        RECORDERS_POST,
        {
            "title": TEXT,
            "opens_on": "2026-04-21",
            "deadline": "2026-09-30",
            "all_parties": "on",
        },
    ),
    "documents:round": Rule(READERS_GET, READERS_POST),
    "documents:round_send": Rule(RECORDERS_GET, RECORDERS_POST),
    "documents:round_remind": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "documents:round_export": Rule(READERS_GET, READERS_POST),
    "documents:answer_record": Rule(
        RECORDERS_GET,
        RECORDERS_POST,
        {"answer": "yttrande", "text": TEXT, "received_on": "2026-02-01"},
    ),
    "documents:answer_file": Rule(READERS_GET, READERS_POST),
    "documents:answer": Rule(PUBLIC, LINK_POST, {"answer": "inget_att_invanda"}),
    "documents:dispatches": Rule(READERS_GET, READERS_POST),
    "documents:dispatch_create": Rule(
        RECORDERS_GET,
        RECORDERS_POST,
        {"subject": TEXT, "text": TEXT, "audiences": "registratorer"},
    ),
    "documents:dispatch": Rule(READERS_GET, READERS_POST),
    "documents:dispatch_send": Rule(RECORDERS_GET, RECORDERS_POST),
    "documents:dispatch_remind": Rule(CONF_ACTION_GET, RECORDERS_POST),
    "documents:dispatch_pdf": Rule(READERS_GET, READERS_POST),
    "documents:attachment": Rule(READERS_GET, READERS_POST),
    "documents:receipt": Rule(
        PUBLIC, LINK_POST, {"received": "on", "forwarded_to": TEXT, "dnr": "KS 1"}
    ),
}

SECRETS = {
    ANSWER_SECRET: {"registrator", "styrgrupp", "forvaltare"},
    RECIPIENT_SECRET: {"registrator", "styrgrupp", "forvaltare"},
}


def url_for(name: str, o) -> str | None:
    if not name.startswith("documents:"):
        return None
    from django.urls import reverse

    from documents import emails

    args = {
        "documents:detail": [o.doc.pk],
        "documents:update": [o.doc.pk],
        "documents:version_create": [o.doc.pk],
        "documents:version_update": [o.doc_version.pk],
        "documents:file_add": [o.doc_version.pk],
        "documents:file": [o.doc_file.pk],
        "documents:backing": [o.doc_final.pk],
        "documents:round_create": [o.doc_version.pk],
        "documents:round": [o.remiss.pk],
        "documents:round_send": [o.remiss.pk],
        "documents:round_remind": [o.remiss.pk],
        "documents:round_export": [o.remiss.pk],
        "documents:answer_record": [o.remiss_recipient.pk],
        "documents:answer_file": [o.remiss_file.pk],
        "documents:answer": [emails.answer_token(o.remiss_recipient)],
        "documents:dispatch": [o.dispatch.pk],
        "documents:dispatch_send": [o.dispatch_draft.pk],
        "documents:dispatch_remind": [o.dispatch.pk],
        "documents:dispatch_pdf": [o.dispatch.pk],
        "documents:attachment": [o.dispatch_attachment.pk],
        "documents:receipt": [emails.receipt_token(o.dispatch_recipient)],
    }.get(name, [])
    return reverse(name, args=args)
