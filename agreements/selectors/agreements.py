"""Reads of the agreements: overview, detail, validity in words, the timeline."""

import datetime as dt

from django.db.models import Prefetch
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.models import (
    Agreement,
    AgreementDocument,
    Milestone,
)


def _long_date(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


# --- agreements -----------------------------------------------------------------------------
def agreements_overview() -> dict[str, list[Agreement]]:
    """The main agreements (new, then old), each with its sub-agreements prefetched."""
    mains = (
        Agreement.objects.filter(parent__isnull=True)
        .prefetch_related(
            Prefetch("sub_agreements", queryset=Agreement.objects.order_by("order")),
        )
        .order_by("-generation", "order")
    )
    result: dict[str, list[Agreement]] = {"new": [], "old": []}
    for agreement in mains:
        result["new" if agreement.is_new else "old"].append(agreement)
    return result


def agreement_detail(slug: str) -> Agreement:
    """One agreement with its parent, sub-agreements, documents and the agreements it
    replaces or is replaced by. Raises Agreement.DoesNotExist."""
    return (
        Agreement.objects.select_related("parent", "replaces")
        .prefetch_related(
            Prefetch("sub_agreements", queryset=Agreement.objects.order_by("order")),
            Prefetch("replaced_by", queryset=Agreement.objects.order_by("order")),
            Prefetch(
                "documents",
                queryset=AgreementDocument.objects.select_related("added_by").order_by("title"),
            ),
        )
        .get(slug=slug)
    )


def milestones() -> list[Milestone]:
    """The dated timeline of the decision process and the implementation."""
    return list(Milestone.objects.order_by("date", "slug"))


def new_agreements() -> list[Agreement]:
    """The new agreement first, then its överenskommelser: what parties decide on."""
    return list(Agreement.objects.new())


def agreement_state(agreement: Agreement, *, today: dt.date, condition_met: bool) -> str:
    """The agreement's validity in words, e.g. "Gäller till och med 31 december 2026."."""
    if agreement.is_new:
        return _new_agreement_state(agreement, today=today, condition_met=condition_met)
    return _old_agreement_state(agreement, today=today)


def _new_agreement_state(agreement: Agreement, *, today: dt.date, condition_met: bool) -> str:
    start = agreement.valid_from
    if start is None:
        return _("Datum för ikraftträdande är inte bestämt.")
    if today >= start:
        return _("Gäller sedan %(date)s.") % {"date": _long_date(start)}
    if condition_met:
        return _("Träder i kraft %(date)s. Samtliga kommuner har antagit avtalet.") % {
            "date": _long_date(start)
        }
    return _("Träder i kraft %(date)s om samtliga kommuner antar avtalet.") % {
        "date": _long_date(start)
    }


def _old_agreement_state(agreement: Agreement, *, today: dt.date) -> str:
    end = agreement.valid_to
    if end is None:
        return _("Gäller tills vidare.")
    if today > end:
        return _("Upphörde att gälla efter %(date)s.") % {"date": _long_date(end)}
    text = _("Gäller till och med %(date)s.") % {"date": _long_date(end)}
    if agreement.terminated_on:
        text += " " + _("Uppsagt av Västra Götalandsregionen %(date)s.") % {
            "date": _long_date(agreement.terminated_on)
        }
    return text
