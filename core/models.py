from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityReport(models.Model):
    """A problem with accessibility reported through the accessibility statement page."""

    class Status(models.TextChoices):
        NEW = "ny", _("Ny")
        HANDLED = "hanterad", _("Hanterad")

    created_at = models.DateTimeField(_("inkom"), auto_now_add=True)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    email = models.EmailField(_("e-postadress"), blank=True)
    page_url = models.CharField(_("sida det gäller"), max_length=500, blank=True)
    description = models.TextField(_("beskrivning av problemet"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)

    class Meta:
        verbose_name = _("rapport om tillgänglighetsproblem")
        verbose_name_plural = _("rapporter om tillgänglighetsproblem")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url or ''}".strip()


class Heartbeat(models.Model):
    """Last time a named background process proved it was alive."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("livstecken")
        verbose_name_plural = _("livstecken")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M}"
