"""Files on a case (served only through a view that checks the case) and the users'
private calendar-feed addresses."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator
from escalation.models.cases import Case, CaseEvent
from escalation.models.ladder import NO_PII

ATTACHMENT_KINDS = ("pdf", "docx", "xlsx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def attachment_path(instance, filename: str) -> str:
    # The stored name is not the user's: a random name, the real one kept in ``name``.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"eskalering/{instance.case_id}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A file on a case or on one of its comments. Served only through a view that checks
    that the user may read the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("kommentar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        _("fil"),
        upload_to=attachment_path,
        validators=[UploadValidator(kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
    )
    name = models.CharField(_("filnamn"), max_length=200, validators=NO_PII)
    kind = models.CharField(_("filtyp"), max_length=10)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), default=timezone.now)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class CalendarToken(models.Model):
    """A user's private calendar-feed token. Regenerating it revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="escalation_calendar"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kalenderadress")
        verbose_name_plural = _("kalenderadresser")

    def __str__(self) -> str:
        return f"{self.user}"
