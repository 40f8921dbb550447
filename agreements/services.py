"""Every write of the agreements app: decisions in the adoption register and documents.

Services are keyword-only, take an explicit actor, validate everything before they write,
write all or nothing and record their audit events (``agreements.audit``) in the same
transaction; django-auditlog keeps the row diffs beside them.
"""

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements import permissions
from agreements.audit import AddressAction, AgreementAction, DecisionAction
from agreements.models import Agreement, AgreementDocument, Decision, Party
from core.audit import audit_actor, record, record_many
from core.uploads import UploadValidator

DOCUMENT_VALIDATOR = UploadValidator(kinds=("pdf",), max_bytes=10 * 1024 * 1024)
REGION_BODIES = {Decision.Body.REGIONFULLMAKTIGE, Decision.Body.REGIONSTYRELSEN}
MUNICIPAL_BODIES = {Decision.Body.KOMMUNFULLMAKTIGE, Decision.Body.KOMMUNSTYRELSEN}
PLANNED_DATE_OUTCOMES = {Decision.Outcome.POSTPONED, Decision.Outcome.PENDING}


def _long(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def _check_actor(actor, party: Party) -> None:
    # actor None is the system (reference and demo loaders); people need the permission.
    if actor is not None and not permissions.can_record_decision_for(actor, party):
        raise PermissionDenied(_("Du får inte registrera beslut för %(party)s.") % {"party": party})


def _validate(
    *,
    party: Party,
    agreements: Sequence[Agreement],
    decided_on: dt.date | None,
    body: str,
    body_other: str,
    outcome: str,
    planned_date: dt.date | None,
    today: dt.date,
    exclude_pk: int | None = None,
) -> dict[str, list[str]]:
    """The domain rules of a decision, as messages per form field (empty: valid)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not party.is_agreement_party:
        add(
            "party",
            _("%(party)s är inte part i avtalet och kan inte få ett beslut registrerat.")
            % {"party": party},
        )
    if not agreements:
        add("agreements", _("Välj minst ett avtal som beslutet gäller."))
    if any(not agreement.is_new for agreement in agreements):
        add(
            "agreements",
            _("Beslut registreras bara för det nya avtalet och dess överenskommelser."),
        )
    if party.is_region and body in MUNICIPAL_BODIES:
        add("body", _("Västra Götalandsregionen beslutar inte i en kommuns organ."))
    if not party.is_region and body in REGION_BODIES:
        add("body", _("En kommun beslutar inte i regionens organ."))
    if body == Decision.Body.OTHER and not body_other.strip():
        add("body_other", _("Skriv vilket organ som fattade beslutet."))
    if decided_on and decided_on > today:
        if outcome == Decision.Outcome.ADOPTED:
            add(
                "decided_on",
                _("Ett beslut om att anta avtalet kan inte ha ett datum i framtiden."),
            )
        else:
            add(
                "decided_on",
                _("Beslutsdatumet kan inte vara i framtiden. Ange ett planerat datum i stället."),
            )
    _validate_planned(add, outcome=outcome, decided_on=decided_on, planned_date=planned_date)
    if decided_on and agreements and not errors:
        _validate_unique(add, party, agreements, decided_on, exclude_pk)
    return errors


def _validate_planned(add, *, outcome: str, decided_on, planned_date) -> None:
    if outcome == Decision.Outcome.POSTPONED and planned_date is None:
        add("planned_date", _("Ange ett planerat beslutsdatum när beslutet skjuts upp."))
    if planned_date and outcome not in PLANNED_DATE_OUTCOMES:
        add(
            "planned_date",
            _("Ett planerat beslutsdatum anges bara när beslutet är uppskjutet eller inte fattat."),
        )
    if planned_date and decided_on and planned_date <= decided_on:
        add("planned_date", _("Det planerade beslutsdatumet måste vara senare än beslutsdatumet."))


def _validate_unique(add, party, agreements, decided_on, exclude_pk) -> None:
    existing = Decision.objects.filter(
        party=party, agreement__in=agreements, decided_on=decided_on
    ).select_related("agreement")
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    titles = [str(decision.agreement) for decision in existing]
    if titles:
        add(
            "decided_on",
            _("%(party)s har redan ett beslut %(date)s om: %(agreements)s.")
            % {"party": party, "date": _long(decided_on), "agreements": ", ".join(titles)},
        )


def decision_record(
    *,
    actor,
    party: Party,
    agreements: Sequence[Agreement],
    decided_on: dt.date,
    body: str,
    outcome: str,
    body_other: str = "",
    planned_date: dt.date | None = None,
    reference: str = "",
    note: str = "",
    today: dt.date | None = None,
    is_demo: bool = False,
) -> list[Decision]:
    """Record one meeting's decision for one party on several agreements at once.

    All or nothing: if any agreement's decision is invalid (see ``_validate``), nothing is
    saved and a ValidationError with messages per field is raised."""
    _check_actor(actor, party)
    today = today or timezone.localdate()
    agreements = sorted(set(agreements), key=lambda a: (a.parent_id is not None, a.order))
    errors = _validate(
        party=party,
        agreements=agreements,
        decided_on=decided_on,
        body=body,
        body_other=body_other,
        outcome=outcome,
        planned_date=planned_date,
        today=today,
    )
    if errors:
        raise ValidationError(errors)
    try:
        return _create_decisions(
            actor=actor,
            party=party,
            agreements=agreements,
            decided_on=decided_on,
            body=body,
            outcome=outcome,
            body_other=body_other,
            planned_date=planned_date,
            reference=reference,
            note=note,
            is_demo=is_demo,
        )
    except IntegrityError as error:
        # Another registrar saved the same decision a moment ago (the check above passed).
        raise ValidationError(
            {"decided_on": [_("Beslutet registrerades nyss av någon annan. Ladda om sidan.")]}
        ) from error


def _create_decisions(
    *,
    actor,
    party,
    agreements,
    decided_on,
    body,
    outcome,
    body_other,
    planned_date,
    reference,
    note,
    is_demo,
) -> list[Decision]:
    decisions = []
    with transaction.atomic(), audit_actor(actor):
        for agreement in agreements:
            decision = Decision(
                party=party,
                agreement=agreement,
                decided_on=decided_on,
                body=body,
                body_other=body_other.strip() if body == Decision.Body.OTHER else "",
                outcome=outcome,
                planned_date=planned_date,
                reference=reference.strip(),
                note=note.strip(),
                recorded_by=actor,
                is_demo=is_demo,
            )
            decision.full_clean()
            decision.save()
            decisions.append(decision)
        # One meeting's decision on several agreements: one event per decision, one INSERT.
        record_many(actor=actor, action=DecisionAction.RECORDED, objs=decisions, data=_data)
    return decisions


def _data(decision: Decision, **changes) -> dict:
    """The event data of a decision: whose it is (the party's page filters on ``party_id``),
    what it says, and the ``[before, after]`` of a correction."""
    return {
        "party_id": decision.party_id,
        "agreement_id": decision.agreement_id,
        "decided_on": decision.decided_on.isoformat(),
        "outcome": decision.outcome,
        **changes,
    }


def _value(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def decision_correct(
    *,
    actor,
    decision: Decision,
    decided_on: dt.date,
    body: str,
    outcome: str,
    body_other: str = "",
    planned_date: dt.date | None = None,
    reference: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> Decision:
    """Correct a registered decision. The audit trail keeps the values before and after."""
    _check_actor(actor, decision.party)
    today = today or timezone.localdate()
    errors = _validate(
        party=decision.party,
        agreements=[decision.agreement],
        decided_on=decided_on,
        body=body,
        body_other=body_other,
        outcome=outcome,
        planned_date=planned_date,
        today=today,
        exclude_pk=decision.pk,
    )
    if errors:
        raise ValidationError(errors)
    values = {
        "decided_on": decided_on,
        "body": body,
        "body_other": body_other.strip() if body == Decision.Body.OTHER else "",
        "outcome": outcome,
        "planned_date": planned_date,
        "reference": reference.strip(),
        "note": note.strip(),
    }
    changes = {
        name: [_value(getattr(decision, name)), _value(value)]
        for name, value in values.items()
        if getattr(decision, name) != value
    }
    for name, value in values.items():
        setattr(decision, name, value)
    with transaction.atomic(), audit_actor(actor):
        # Someone may have deleted it since it was read: a plain save() would then insert it
        # again. Lock the row, and refuse if it is gone (the view says so in Swedish).
        if not Decision.objects.select_for_update().filter(pk=decision.pk).exists():
            raise Decision.DoesNotExist(
                _("Beslutet har tagits bort av någon annan medan du rättade det.")
            )
        decision.full_clean()
        decision.save(force_update=True)
        record(
            actor=actor,
            action=DecisionAction.CORRECTED,
            obj=decision,
            data=_data(decision, **changes),
        )
    return decision


def decision_delete(*, actor, decision: Decision) -> None:
    """Remove a wrongly registered decision (e.g. the wrong party). The audit trail keeps
    what it said, and the party's page still shows it in its history."""
    _check_actor(actor, decision.party)
    with transaction.atomic(), audit_actor(actor):
        record(actor=actor, action=DecisionAction.REMOVED, obj=decision, data=_data(decision))
        decision.delete()


def document_add(
    *,
    actor,
    agreement: Agreement,
    title: str,
    file=None,
    url: str = "",
) -> AgreementDocument:
    """Attach a PDF (checked by content, at most 10 MB) or a link to an agreement."""
    if actor is not None and not permissions.can_manage_documents(actor):
        raise PermissionDenied(_("Du får inte lägga till avtalsdokument."))
    if bool(file) == bool(url.strip()):
        raise ValidationError({"file": [_("Ladda upp en PDF-fil eller ange en länk, inte båda.")]})
    if file:
        DOCUMENT_VALIDATOR(file)
    document = AgreementDocument(
        agreement=agreement,
        title=title.strip(),
        url=url.strip(),
        added_by=actor,
        file_size=file.size if file else None,
    )
    if file:
        document.file = file
    with transaction.atomic(), audit_actor(actor):
        document.full_clean()
        document.save()
        record(
            actor=actor,
            action=AgreementAction.DOCUMENT_ADDED,
            obj=agreement,
            data={"document": document.title, "document_id": document.pk},
        )
    return document


def document_remove(*, actor, document: AgreementDocument) -> None:
    """Remove a document; its file is deleted from storage after the commit."""
    if actor is not None and not permissions.can_manage_documents(actor):
        raise PermissionDenied(_("Du får inte ta bort avtalsdokument."))
    stored = document.file.name if document.file else ""
    storage = document.file.storage
    with transaction.atomic(), audit_actor(actor):
        record(
            actor=actor,
            action=AgreementAction.DOCUMENT_REMOVED,
            obj=document.agreement,
            data={"document": document.title, "document_id": document.pk},
        )
        document.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))


# --- function addresses (issue #19: kept by the Förvaltare and the registrator) -------------
def _set_address(obj, field: str, email: str, actor) -> None:
    from django.core.validators import validate_email

    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as error:
            raise ValidationError({field: [_("Ange en giltig e-postadress.")]}) from error
    with transaction.atomic(), audit_actor(actor):
        before = getattr(obj, field)
        setattr(obj, field, email)
        obj.full_clean()
        obj.save(update_fields=[field])
        record(actor=actor, action=AddressAction.SET, obj=obj, data={field: [before, email]})


def federation_set_email(*, federation, email: str, actor) -> None:
    """The kommunalförbund's function address (its registrator); empty: "saknas"."""
    _set_address(federation, "email", email, actor)


def joint_body_set_email(*, body, email: str, actor) -> None:
    """A joint body's (e.g. VästKom's) function address; empty: "saknas"."""
    _set_address(body, "email", email, actor)


def party_set_registry_email(*, party: Party, email: str, actor) -> None:
    """A party's registrator address; empty: "saknas"."""
    _set_address(party, "registry_email", email, actor)
