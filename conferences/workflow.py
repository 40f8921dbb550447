"""The status tables of the conferences app, one :class:`core.workflow.Workflow` each.

Services ask these tables whether a move is allowed (and keep their own Swedish messages where
a refusal needs a more precise one); views ask them what to offer. The statuses themselves are
the models' ``Status`` choices.
"""

from django.utils.translation import gettext_lazy as _

from conferences.models import Conference, Invitation, Recipient, Registration
from core.workflow import Transition, Workflow

St = Conference.Status
LIVE = frozenset({St.PLANERAD, St.INBJUDAN_SKICKAD, St.FULLBOKAD})

# A conference. The action of a move is named after its target status (the registrar picks the
# next status); FULLBOKAD <-> INBJUDAN_SKICKAD also follows the seats automatically, and
# sending the first invitation opens registration. "andra" (edit the conference, its programme,
# pre-meetings and checklist) is allowed while it is live and keeps the status. Undoing a
# cancellation returns to the status it had (``cancel_previous_status``), one of LIVE.
CONFERENCE_FLOW = Workflow(
    "konferens",
    [
        Transition(
            St.INBJUDAN_SKICKAD,
            sources={St.PLANERAD, St.FULLBOKAD},
            target=St.INBJUDAN_SKICKAD,
            label=_("Öppna anmälan"),
        ),
        Transition(
            St.FULLBOKAD, sources={St.INBJUDAN_SKICKAD}, target=St.FULLBOKAD, label=_("Fullboka")
        ),
        Transition(St.GENOMFORD, sources=LIVE, target=St.GENOMFORD, label=_("Markera genomförd")),
        Transition(St.INSTALLD, sources=LIVE, target=St.INSTALLD, label=_("Ställ in")),
        Transition("andra", sources=LIVE, target=None, label=_("Ändra")),
        Transition(
            "angra_installning", sources={St.INSTALLD}, target=None, label=_("Ångra inställd")
        ),
    ],
)

S = Registration.Status
ACTIVE = frozenset({S.BEKRAFTAD, S.ERBJUDEN, S.VANTELISTA})
REREGISTRABLE = frozenset({S.OBEKRAFTAD, S.AVBOKAD, S.UTGATT})

# A registration. Registering (again) starts from nothing ("") or from a row that holds
# nothing: unconfirmed (the public form, double opt-in), or at once confirmed or waiting;
# confirming the address decides a seat or a place in line; a freed seat is offered to the
# next in line, who accepts or lets it lapse. "andra" (change the details) and "checka_in"
# keep the status.
NEW = ""
REGISTRATION_FLOW = Workflow(
    "anmälan",
    [
        Transition("anmal", sources=REREGISTRABLE | {NEW}, target=S.OBEKRAFTAD, label=_("Anmäl")),
        Transition(
            "anmal_bekraftad", sources=REREGISTRABLE | {NEW}, target=S.BEKRAFTAD, label=_("Anmäl")
        ),
        Transition(
            "anmal_vantelista",
            sources=REREGISTRABLE | {NEW},
            target=S.VANTELISTA,
            label=_("Anmäl till väntelistan"),
        ),
        Transition("bekrafta", sources={S.OBEKRAFTAD}, target=S.BEKRAFTAD, label=_("Bekräfta")),
        Transition(
            "bekrafta_vantelista",
            sources={S.OBEKRAFTAD},
            target=S.VANTELISTA,
            label=_("Bekräfta"),
        ),
        Transition("erbjud", sources={S.VANTELISTA}, target=S.ERBJUDEN, label=_("Erbjud plats")),
        Transition("tacka_ja", sources={S.ERBJUDEN}, target=S.BEKRAFTAD, label=_("Tacka ja")),
        Transition(
            "ga_ut", sources={S.ERBJUDEN}, target=S.UTGATT, label=_("Låt erbjudandet gå ut")
        ),
        Transition("avboka", sources=ACTIVE, target=S.AVBOKAD, label=_("Avboka")),
        Transition("andra", sources=ACTIVE, target=None, label=_("Ändra anmälan")),
        Transition("checka_in", sources={S.BEKRAFTAD}, target=None, label=_("Checka in")),
    ],
)

Inv = Invitation.Status

# An invitation: sending (again) queues whoever has not been sent it; it is "skickad" once
# nothing is queued or being sent any more.
INVITATION_FLOW = Workflow(
    "inbjudan",
    [
        Transition(
            "skicka",
            sources={Inv.UTKAST, Inv.SKICKAS, Inv.SKICKAD},
            target=Inv.SKICKAS,
            label=_("Skicka"),
        ),
        Transition(
            "avsluta", sources={Inv.SKICKAS}, target=Inv.SKICKAD, label=_("Avsluta utskicket")
        ),
    ],
)

R = Recipient.Status

# A recipient's dispatch log follows its outbox row: queued by the registrar, claimed by a
# batch, then sent or failed (a transient refusal puts it back in the queue). A failed one may
# be queued again; one that has not been sent may be removed.
RECIPIENT_FLOW = Workflow(
    "mottagare",
    [
        Transition("koa", sources={R.VANTAR}, target=R.KOAD, label=_("Köa")),
        Transition("forsok_igen", sources={R.MISSLYCKAD}, target=R.KOAD, label=_("Försök igen")),
        Transition("skicka", sources={R.KOAD}, target=R.SKICKAS, label=_("Skicka")),
        Transition("skickad", sources={R.KOAD, R.SKICKAS}, target=R.SKICKAD, label=_("Skickad")),
        Transition(
            "misslyckad", sources={R.KOAD, R.SKICKAS}, target=R.MISSLYCKAD, label=_("Misslyckad")
        ),
        Transition("aterkoa", sources={R.SKICKAS}, target=R.KOAD, label=_("Köa igen")),
        Transition("ta_bort", sources={R.VANTAR, R.SAKNAR_ADRESS}, target=None, label=_("Ta bort")),
        Transition(
            "andra_text", sources={R.VANTAR, R.SAKNAR_ADRESS}, target=None, label=_("Ändra text")
        ),
    ],
)
