"""The transition tables of the documents app, as :class:`core.workflow.Workflow`.

* ``STAGE_FLOW``: a version's stage (skede: utkast, remissversion, slutlig version). While the
  version is unsent its stage may be set to any other; only a final version can be backed
  by the parties (``record_backing`` keeps the stage).
* ``VERSION_FLOW``: a version is *open* until it is sent (on remiss or in a dispatch), then
  *sent* and locked: no edit, no new file (a new version is a new row).
* ``ROUND_FLOW``: a remiss round is a draft until sent (once); reminders and answers only
  after.
* ``DISPATCH_FLOW``: a dispatch likewise; reminders and receipts only after it is sent.

The sent states are implicit in the rows (``sent_at``): :func:`version_state`,
:func:`round_state` and :func:`dispatch_state` name them.
"""

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow
from documents.models import DocumentVersion

Stage = DocumentVersion.Stage
STAGES = tuple(Stage.values)

STAGE_FLOW = Workflow(
    "skede",
    [
        *Workflow.from_moves(
            "skede",
            {s: set(STAGES) - {s} for s in STAGES},
            labels=dict(Stage.choices),
        ).transitions,
        Transition("record_backing", sources={Stage.FINAL}, label=_("registrera ett beslut")),
    ],
)

OPEN, SENT = "oppen", "skickad"
DRAFT = "utkast"

VERSION_FLOW = Workflow(
    "version",
    [
        Transition("edit", sources={OPEN}, label=_("ändra versionen")),
        Transition("add_file", sources={OPEN}, label=_("lägga till en fil")),
        # Sending it (again, in another round or dispatch) keeps it sent.
        Transition("send", sources={OPEN, SENT}, target=SENT, label=_("skicka versionen")),
    ],
)

ROUND_FLOW = Workflow(
    "remiss",
    [
        Transition("send", sources={DRAFT}, target=SENT, label=_("skicka remissen")),
        Transition("remind", sources={SENT}, label=_("påminna")),
        Transition("answer", sources={SENT}, label=_("svara")),
    ],
)

DISPATCH_FLOW = Workflow(
    "utskick",
    [
        Transition("send", sources={DRAFT}, target=SENT, label=_("skicka utskicket")),
        Transition("remind", sources={SENT}, label=_("påminna")),
        Transition("confirm", sources={SENT}, label=_("kvittera")),
    ],
)


def version_state(version) -> str:
    return SENT if version.sent_at is not None else OPEN


def round_state(remiss) -> str:
    return SENT if remiss.sent_at is not None else DRAFT


def dispatch_state(dispatch) -> str:
    return SENT if dispatch.sent_at is not None else DRAFT
