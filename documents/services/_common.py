"""What the writes of the documents app share: one-line fields, the version lock
(``VERSION_FLOW``) and sending a version (which locks it, audited)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import record
from documents.audit import VersionAction
from documents.models import DocumentVersion
from documents.workflow import VERSION_FLOW, version_state

LOCKED = gettext_lazy("Versionen är skickad och kan inte ändras. Skapa en ny version i stället.")


def one_line(value: str, field: str) -> None:
    if any(c in value for c in "\r\n\u2028\u2029"):
        raise ValidationError({field: _("Skriv på en rad, utan radbrytningar.")})


def locked_version(version: DocumentVersion, action: str = "edit") -> DocumentVersion:
    """The version re-read under a row lock; refused once it is sent."""
    version = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if not VERSION_FLOW.allows(action, version_state(version)):
        raise ValidationError(LOCKED)
    return version


def lock(version: DocumentVersion, now, *, actor, by) -> None:
    """Sending a version (in a remiss round or a dispatch) locks it, once."""
    if version.sent_at is None:
        VERSION_FLOW.target("send", version_state(version))
        version.sent_at = now
        version.save(update_fields=["sent_at"])
        record(
            actor=actor,
            action=VersionAction.LOCKED,
            obj=version,
            data={"by": f"{by._meta.model_name}:{by.pk}"},
        )
