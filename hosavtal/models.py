"""The project's own data: the joint steering group's meeting dates (for the dashboard)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SteeringMeeting(models.Model):
    """A meeting of the joint steering group. The dashboard's "since last meeting" starts
    from the latest meeting before today; Förvaltare keep the dates."""

    date = models.DateField(_("datum"), unique=True)
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    note = models.TextField(_("anteckning"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        ordering = ["-date"]
        verbose_name = _("styrgruppsmöte")
        verbose_name_plural = _("styrgruppsmöten")

    def __str__(self) -> str:
        label = self.title or str(_("Styrgruppsmöte"))
        return f"{label} {self.date.isoformat()}"
