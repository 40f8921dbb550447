"""Forms: validation and layout only. The services hold the rules.

:mod:`.case` (opening a case), :mod:`.actions` (the case page's actions), :mod:`.filters`
(the lists' filters), :mod:`.setup` (the förvaltare's ladder and contacts forms).
"""

from escalation.forms.actions import (
    ATTACHMENT_HELP,
    ActionForm,
    ActionFormMixin,
    AnswerForm,
    AttachForm,
    CloseForm,
    CommentForm,
    DecideForm,
    DetailsForm,
    EscalateForm,
    PauseForm,
    ProposeForm,
    ReopenForm,
    ResumeForm,
    TextActionForm,
)
from escalation.forms.case import CaseOpenForm, UnitChoiceField, UnitSelect
from escalation.forms.common import DEIDENTIFY
from escalation.forms.filters import CaseFilterForm
from escalation.forms.setup import (
    ContactForm,
    HandlerRuleForm,
    LadderStepForm,
    MailboxForm,
    UserChoiceField,
)

__all__ = [
    "ATTACHMENT_HELP",
    "DEIDENTIFY",
    "ActionForm",
    "ActionFormMixin",
    "AnswerForm",
    "AttachForm",
    "CaseFilterForm",
    "CaseOpenForm",
    "CloseForm",
    "CommentForm",
    "ContactForm",
    "DecideForm",
    "DetailsForm",
    "EscalateForm",
    "HandlerRuleForm",
    "LadderStepForm",
    "MailboxForm",
    "PauseForm",
    "ProposeForm",
    "ReopenForm",
    "ResumeForm",
    "TextActionForm",
    "UnitChoiceField",
    "UnitSelect",
    "UserChoiceField",
]
