"""How a case comes to rest: one side's proposal answered by the other, and the times the
case was vilande (its clock stood still)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalation.models.cases import Case, CaseStepPeriod
from escalation.models.ladder import NO_PII


class ResolutionProposal(models.Model):
    """One side proposes how the case is resolved; the other side confirms or rejects it."""

    class Status(models.TextChoices):
        PENDING = "vantar", _("Väntar på svar")
        CONFIRMED = "bekraftad", _("Bekräftad")
        REJECTED = "avvisad", _("Avvisad")
        WITHDRAWN = "aterkallad", _("Återkallad")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="proposals"
    )
    step_name = models.CharField(_("steg"), max_length=200)
    outcome = models.TextField(_("föreslaget utfall"), validators=NO_PII)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("föreslaget av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposing_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("föreslagande part"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("föreslaget"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answering_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("svarande part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("besvarat"), null=True, blank=True)
    answer_comment = models.TextField(_("kommentar till svaret"), blank=True, validators=NO_PII)

    class Meta:
        verbose_name = _("lösningsförslag")
        verbose_name_plural = _("lösningsförslag")
        ordering = ["case", "proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="vantar"),
                name="resolutionproposal_one_pending_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_status_display()}"


class CasePause(models.Model):
    """A time the case was vilande: the working-day clock stood still from ``started_on`` to
    ``ended_on`` (exclusive); on resume the deadline moved by ``working_days``."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="pauses"
    )
    period = models.ForeignKey(
        CaseStepPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("skäl"), validators=NO_PII)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("satt som vilande av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("vilande från"))
    started_on = models.DateField(_("vilande från datum"))
    resume_status = models.CharField(_("status före vilande"), max_length=20, choices=Case.Status)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad igen av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("startad igen"), null=True, blank=True)
    ended_on = models.DateField(_("startad igen datum"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("vilande arbetsdagar"), default=0)

    class Meta:
        verbose_name = _("vilande period")
        verbose_name_plural = _("vilande perioder")
        ordering = ["case", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="casepause_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.started_on}"
