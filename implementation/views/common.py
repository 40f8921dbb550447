"""What the implementation pages share: the unit of an address, its URLs and breadcrumbs, and
the answer carrying a workbook."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exports import XLSX_MIME
from implementation import selectors
from implementation.models import Unit


def load_unit(request, party: str, unit: str) -> Unit:
    """The unit of a page's address (``permission_required_for``'s loader; 404 if none)."""
    return selectors.unit_for_page(party_slug=party, unit_slug=unit)


def unit_url(unit: Unit, name: str = "unit", **kwargs) -> str:
    return reverse(
        f"implementation:{name}",
        kwargs={"party": unit.party.slug, "unit": unit.slug, **kwargs},
    )


def unit_crumbs(unit: Unit, *, linked: bool = False) -> list[tuple[str, str]]:
    """The breadcrumb trail above a unit's page (``partials/breadcrumbs.html``); ``linked``
    adds the unit itself, for its subpages."""
    trail = [
        (reverse("implementation:index"), _("Genomförande")),
        (reverse("implementation:party", args=[unit.party.slug]), unit.party.name),
    ]
    if unit.parent_id:
        trail.append(
            (
                reverse("implementation:unit", args=[unit.party.slug, unit.parent.slug]),
                unit.parent.name,
            )
        )
    if linked:
        trail.append((unit_url(unit), unit.name))
    return trail


def xlsx_download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
