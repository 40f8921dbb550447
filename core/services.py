"""Writes of the core app."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_actor
from core.models import AccessibilityReport, Heartbeat
from core.outbox import outbox_enqueue
from core.roles import Role


def accessibility_report_create(
    *, actor, name: str, email: str, page_url: str, description: str
) -> AccessibilityReport:
    """Store a reported accessibility problem and e-mail the förvaltare after commit."""
    report = AccessibilityReport(
        name=name.strip(),
        email=email.strip(),
        page_url=page_url.strip(),
        description=description.strip(),
    )
    report.full_clean()
    with transaction.atomic(), audit_actor(actor if actor and actor.is_authenticated else None):
        report.save()
        _notify_forvaltare(report)
    return report


def forvaltare_emails() -> list[str]:
    """Addresses of every active förvaltare, plus any configured in ADMINS_NOTIFY_EMAILS."""
    user_model = get_user_model()
    addresses = set(
        user_model.objects.filter(is_active=True, role=Role.FORVALTARE)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    addresses.update(settings.ADMINS_NOTIFY_EMAILS)
    return sorted(addresses)


def _notify_forvaltare(report: AccessibilityReport) -> None:
    recipients = forvaltare_emails()
    if not recipients:
        return
    outbox_enqueue(
        key=f"core:accessibility-report:{report.pk}",
        kind="tillganglighetsrapport",
        to=recipients,
        subject=_("Rapport om tillgänglighetsproblem i HoS-portalen"),
        template="emails/accessibility_report",
        context={"report": report},
        reply_to=[report.email] if report.email else None,
        related=report,
    )


def heartbeat_record(*, name: str) -> Heartbeat:
    beat, _created = Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now()}
    )
    return beat
