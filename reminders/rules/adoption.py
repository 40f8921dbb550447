"""Adoption decisions (agreements): N days before an agreement's decision deadline, the
parties that have not decided (adopted or rejected) → the registrars, one reminder per
agreement naming the parties. Three queries.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.models import Agreement, Party
from agreements.selectors import FINAL_OUTCOMES, latest_decisions
from core.roles import Role
from reminders.models import Kind
from reminders.rules import Candidate, Window, register


@register("adoption")
def collect(window: Window) -> list[Candidate]:
    days = window.config.adoption_days
    agreements = list(
        Agreement.objects.filter(
            decision_deadline__gte=window.start + dt.timedelta(days=days),
            decision_deadline__lte=window.today + dt.timedelta(days=days),
        ).order_by("order")
    )
    if not agreements:
        return []
    parties = list(Party.objects.agreement_parties().order_by("name"))
    decided = {
        key
        for key, decision in latest_decisions(agreements=agreements).items()
        if decision.outcome in FINAL_OUTCOMES
    }
    registrars = list(
        get_user_model()
        .objects.filter(role=Role.REGISTRATOR, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    result = []
    for agreement in agreements:
        missing = [p.name for p in parties if (p.pk, agreement.pk) not in decided]
        if missing:
            result += _candidates(agreement, missing, registrars, days)
    return result


def _candidates(agreement, missing: list[str], registrars, days: int) -> list[Candidate]:
    shown = missing if len(missing) <= 8 else [*missing[:8], _("fler")]
    title = ngettext(
        "%(agreement)s: %(count)s part har inte beslutat (%(parties)s)",
        "%(agreement)s: %(count)s parter har inte beslutat (%(parties)s)",
        len(missing),
    ) % {
        "agreement": agreement,
        "count": len(missing),
        "parties": get_text_list(shown, _("och")),
    }
    return [
        Candidate(
            kind=Kind.ADOPTION_MISSING,
            model=Agreement,
            object_id=agreement.pk,
            due_date=agreement.decision_deadline,
            send_on=agreement.decision_deadline - dt.timedelta(days=days),
            source=_("Avtal"),
            title=title,
            url=reverse("agreements:board"),
            recipient=user,
            email=user.email,
        )
        for user in registrars
    ]
