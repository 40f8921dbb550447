"""The backing state of a joint document on the checklist items it relates to.

Registered with ``implementation.evidence`` in ``DocumentsConfig.ready()``: every unit's
checklist shows, under an item a document relates to, whether the document's latest final
version "gäller" (every agreement party backs it) or how many parties back it so far.
A bounded number of queries (four) whatever the number of units and items.
"""

from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from implementation.evidence import EvidenceLine


def backing_evidence(unit_ids: list[int], responsibility_ids: list[int]):
    from agreements.models import Party
    from documents.models import Document, DocumentVersion
    from documents.selectors import backing_counts

    through = Document.responsibilities.through
    links = list(
        through.objects.filter(responsibility_id__in=responsibility_ids).values_list(
            "document_id", "responsibility_id"
        )
    )
    if not links:
        return {}
    document_ids = {d for d, _r in links}
    finals = dict(
        DocumentVersion.objects.filter(
            document_id__in=document_ids, stage=DocumentVersion.Stage.FINAL
        )
        .values("document_id")
        .annotate(latest=Max("number"))
        .values_list("document_id", "latest")
    )
    versions = {
        v.document_id: v
        for v in DocumentVersion.objects.filter(
            document_id__in=finals.keys(), stage=DocumentVersion.Stage.FINAL
        ).select_related("document")
        if finals.get(v.document_id) == v.number
    }
    counts = backing_counts([v.pk for v in versions.values()])
    total = Party.objects.agreement_parties().count()
    lines: dict[tuple[int, int], list[EvidenceLine]] = {}
    for document_id, responsibility_id in links:
        version = versions.get(document_id)
        if version is None:
            continue
        backed = counts.get(version.pk, 0)
        applies = total > 0 and backed == total
        values = {"title": version.document.title, "n": backed, "total": total}
        if applies:
            text = _("%(title)s gäller: alla %(total)s parter står bakom den.") % values
        else:
            text = _("%(title)s gäller inte ännu: %(n)s av %(total)s parter står bakom den.") % (
                values
            )
        url = reverse("documents:backing", args=[version.pk])
        for unit_id in unit_ids:
            lines.setdefault((unit_id, responsibility_id), []).append(
                EvidenceLine(text, url, done=applies)
            )
    return lines
