"""Writes of documents, their versions and files, and the parties' backing decisions."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Party
from core.audit import audit_actor, record
from documents.audit import DocumentAction, VersionAction
from documents.models import Backing, Document, DocumentVersion, VersionFile, validate_file
from documents.services._common import locked_version, one_line
from documents.workflow import STAGE_FLOW


def _iso(value):
    return value.isoformat() if value else None


def _pks(values) -> list:
    return sorted(v.pk if hasattr(v, "pk") else v for v in values)


def document_create(
    *,
    actor,
    title: str,
    kind: str,
    description: str = "",
    backing_required: bool = False,
    agreements=(),
    responsibilities=(),
) -> Document:
    one_line(title, "title")
    with transaction.atomic(), audit_actor(actor):
        document = Document(
            title=title,
            kind=kind,
            description=description,
            backing_required=backing_required,
            created_by=actor,
        )
        document.full_clean()
        document.save()
        document.agreements.set(agreements)
        document.responsibilities.set(responsibilities)
        record(
            actor=actor,
            action=DocumentAction.CREATED,
            obj=document,
            data={"title": title, "kind": kind, "agreements": _pks(agreements)},
        )
    return document


def document_update(
    *,
    actor,
    document: Document,
    title: str,
    kind: str,
    description: str = "",
    backing_required: bool = False,
    agreements=(),
    responsibilities=(),
) -> Document:
    one_line(title, "title")
    with transaction.atomic(), audit_actor(actor):
        document = Document.objects.select_for_update().get(pk=document.pk)
        before = {
            "title": document.title,
            "kind": document.kind,
            "backing_required": document.backing_required,
        }
        document.title, document.kind, document.description = title, kind, description
        document.backing_required = backing_required
        document.full_clean()
        document.save()
        document.agreements.set(agreements)
        document.responsibilities.set(responsibilities)
        after = {"title": title, "kind": kind, "backing_required": backing_required}
        record(
            actor=actor,
            action=DocumentAction.UPDATED,
            obj=document,
            data={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return document


def version_create(
    *,
    actor,
    document: Document,
    stage: str,
    note: str = "",
    checked_on: dt.date | None = None,
    backing_deadline: dt.date | None = None,
    files=(),
) -> DocumentVersion:
    """A new version (the next number) with its files; a bad file leaves nothing behind."""
    for upload in files:
        validate_file(upload)
    with transaction.atomic(), audit_actor(actor):
        Document.objects.select_for_update().get(pk=document.pk)
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = DocumentVersion(
            document=document,
            number=number,
            stage=stage,
            note=note,
            checked_on=checked_on,
            backing_deadline=backing_deadline,
            created_by=actor,
        )
        version.full_clean()
        version.save()
        names = [_add_file(version, upload, actor).name for upload in files]
        record(
            actor=actor,
            action=VersionAction.CREATED,
            obj=version,
            data={"number": number, "stage": stage, "files": names},
        )
    return version


def version_update(
    *,
    actor,
    version: DocumentVersion,
    stage: str,
    note: str = "",
    checked_on: dt.date | None = None,
    backing_deadline: dt.date | None = None,
) -> DocumentVersion:
    """Refused once the version is sent."""
    with transaction.atomic(), audit_actor(actor):
        version = locked_version(version)
        STAGE_FLOW.check_move(version.stage, stage)
        before = {
            "stage": version.stage,
            "checked_on": _iso(version.checked_on),
            "backing_deadline": _iso(version.backing_deadline),
        }
        version.stage, version.note, version.checked_on = stage, note, checked_on
        version.backing_deadline = backing_deadline
        version.full_clean()
        version.save()
        after = {
            "stage": stage,
            "checked_on": _iso(checked_on),
            "backing_deadline": _iso(backing_deadline),
        }
        record(
            actor=actor,
            action=VersionAction.UPDATED,
            obj=version,
            data={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return version


def _add_file(version, upload, actor) -> VersionFile:
    item = VersionFile(version=version, file=upload, name=upload.name[:200], uploaded_by=actor)
    item.full_clean()
    item.save()
    return item


def version_file_add(*, actor, version: DocumentVersion, upload) -> VersionFile:
    validate_file(upload)
    with transaction.atomic(), audit_actor(actor):
        version = locked_version(version, "add_file")
        item = _add_file(version, upload, actor)
        record(actor=actor, action=VersionAction.FILE_ADDED, obj=version, data={"file": item.name})
        return item


def backing_record(
    *,
    actor,
    version: DocumentVersion,
    party: Party,
    body: str,
    decided_on: dt.date,
    outcome: str,
    reference: str = "",
) -> Backing:
    one_line(body, "body")
    one_line(reference, "reference")
    if not STAGE_FLOW.allows("record_backing", version.stage):
        raise ValidationError(_("Parterna ställer sig bakom den slutliga versionen."))
    if not party.is_agreement_party:
        raise ValidationError({"party": _("Välj en av avtalets parter.")})
    if decided_on and decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("Beslutsdatumet kan inte ligga i framtiden.")})
    with transaction.atomic(), audit_actor(actor):
        backing = Backing(
            version=version,
            party=party,
            body=body,
            decided_on=decided_on,
            outcome=outcome,
            reference=reference,
            recorded_by=actor,
        )
        backing.full_clean()
        backing.save()
        record(
            actor=actor,
            action=VersionAction.BACKING,
            obj=version,
            data={
                "party": party.name,
                "outcome": outcome,
                "decided_on": _iso(decided_on),
                "body": body,
            },
        )
    return backing
