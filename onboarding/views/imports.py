"""The import of a party's organisation: the template, the upload with its dry run, and the
confirmation (by the uploader only)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import Sheet, xlsx_response
from core.permissions import permission_required_for
from core.tabular import TableError
from implementation.models import Level
from onboarding import services
from onboarding.forms import ImportForm, party_units
from onboarding.models import ImportBatch
from onboarding.permissions import can_confirm_import
from onboarding.views.common import _party, _party_crumbs, _require


@require_GET
def import_template(request, slug):
    party = _party(slug)
    _require(request, "import", party=party)
    rows = [
        (u.get_level_display(), u.name, u.parent.name if u.parent_id else "", "", "", "", "")
        for u in party_units(party)
    ]
    forvaltning = str(Level.FORVALTNING.label)
    if not rows:
        rows = [
            (
                forvaltning,
                _("Socialförvaltningen"),
                "",
                "Anna",
                "Andersson",
                "anna@example.se",
                "Ansvarig",
            ),
            (str(Level.VERKSAMHET.label), _("Hemtjänst"), _("Socialförvaltningen"), "", "", "", ""),
        ]
    sheet = Sheet(
        _("Organisation"),
        list(services.COLUMNS),
        rows,
        choices={
            services.COL_LEVEL: [forvaltning, str(Level.VERKSAMHET.label)],
            services.COL_ROLE: ["Ansvarig", "Medlem"],
        },
    )
    return xlsx_response(f"organisation-{party.slug}.xlsx", [sheet])


def import_upload(request, slug):
    party = _party(slug)
    _require(request, "import", party=party)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "party": party, "crumbs": _party_crumbs(party)}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            checked = services.check_import(party=party, upload=upload)
        except (TableError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            form.add_error("file", message)
        else:
            context["errors"] = checked.report.lines()
            context["row_count"] = len(checked.rows)
            if checked.report.ok:
                batch = services.store_batch(
                    party=party, actor=request.user, upload=upload, checked=checked
                )
                return redirect("onboarding:import_confirm", batch.pk)
    return render(request, "onboarding/import.html", context)


def _batch(request, pk):
    return get_object_or_404(ImportBatch.objects.select_related("party"), pk=pk)


@permission_required_for(can_confirm_import, load=_batch)
def import_confirm(request, batch):
    if batch.uploaded_by_id != request.user.pk:
        raise Http404
    errors = []
    if request.method == "POST" and not batch.applied_at:
        try:
            counts = services.apply_import(batch=batch, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "Importen är klar: %(units)s nya enheter, %(invited)s inbjudningar, "
                    "%(appointed)s utsedda med befintligt konto."
                )
                % counts,
            )
            return redirect("onboarding:party", batch.party.slug)
    return render(
        request,
        "onboarding/import_confirm.html",
        {"batch": batch, "party": batch.party, "errors": errors, "n_rows": len(batch.rows)},
    )
