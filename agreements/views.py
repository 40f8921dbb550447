"""Pages of the agreements app: thin — permission, form, one service call, redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from agreements import exports, permissions, selectors, services
from agreements.forms import (
    BoardFilterForm,
    DecisionCorrectForm,
    DecisionForm,
    DocumentForm,
    RegisterFilterForm,
)
from agreements.models import Agreement, AgreementDocument, Decision, Delregion, Federation, Party
from core.permissions import PermissionRequiredForMixin, RoleRequiredMixin
from core.roles import Role, has_role


def _today():
    return timezone.localdate()


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- agreements -----------------------------------------------------------------------------
class AgreementIndexView(TemplateView):
    template_name = "agreements/index.html"

    def get_context_data(self, **kwargs):
        today = _today()
        summary = selectors.adoption_summary(today)
        overview = selectors.agreements_overview()
        for agreement in overview["new"] + overview["old"]:
            agreement.state = selectors.agreement_state(
                agreement, today=today, condition_met=summary.condition_met
            )
        return {
            **super().get_context_data(**kwargs),
            "today": today,
            "overview": overview,
            "summary": summary,
            "milestones": selectors.milestones(),
        }


class AgreementDetailView(TemplateView):
    template_name = "agreements/agreement_detail.html"

    def get_context_data(self, slug, document_form=None, **kwargs):
        today = _today()
        try:
            agreement = selectors.agreement_detail(slug)
        except Agreement.DoesNotExist as error:
            raise Http404 from error
        summary = selectors.adoption_summary(today) if agreement.is_new else None
        count = None
        if summary:
            count = next(c for c in summary.per_agreement if c.agreement.pk == agreement.pk)
        can_manage = permissions.can_manage_documents(self.request.user)
        return {
            **super().get_context_data(**kwargs),
            "agreement": agreement,
            "state": selectors.agreement_state(
                agreement, today=today, condition_met=bool(summary and summary.condition_met)
            ),
            "paragraphs": [p for p in agreement.description.split("\n\n") if p.strip()],
            "count": count,
            "can_manage_documents": can_manage,
            "document_form": document_form or (DocumentForm() if can_manage else None),
        }


class DocumentCreateView(RoleRequiredMixin, View):
    allowed_roles = permissions.RECORDING_ROLES

    def post(self, request, slug):
        agreement = get_object_or_404(Agreement, slug=slug)
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.document_add(
                    actor=request.user,
                    agreement=agreement,
                    title=form.cleaned_data["title"],
                    file=form.cleaned_data["file"],
                    url=form.cleaned_data["url"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Dokumentet är tillagt."))
                return HttpResponseRedirect(
                    reverse("agreements:agreement_detail", args=[slug]) + "#dokument"
                )
        view = AgreementDetailView(request=request, kwargs={"slug": slug})
        context = view.get_context_data(slug=slug, document_form=form)
        return render(request, view.template_name, context, status=400)


class _DocumentById:
    def get_object(self, queryset=None):
        return get_object_or_404(
            AgreementDocument.objects.select_related("agreement"), pk=self.kwargs["pk"]
        )


class DocumentDownloadView(PermissionRequiredForMixin, _DocumentById, View):
    predicate = staticmethod(permissions.can_view)

    def get(self, request, pk):
        document = self.object
        if document.is_link:
            return HttpResponseRedirect(document.url)
        name = f"{document.agreement.slug}-{document.pk}.pdf"
        return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=name)


class DocumentDeleteView(RoleRequiredMixin, TemplateView):
    allowed_roles = permissions.RECORDING_ROLES
    template_name = "agreements/document_confirm_delete.html"

    def get_context_data(self, pk, **kwargs):
        document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
        return {**super().get_context_data(**kwargs), "document": document}

    def post(self, request, pk):
        document = get_object_or_404(AgreementDocument.objects.select_related("agreement"), pk=pk)
        services.document_remove(actor=request.user, document=document)
        messages.success(request, _("Dokumentet är borttaget."))
        return HttpResponseRedirect(
            reverse("agreements:agreement_detail", args=[document.agreement.slug]) + "#dokument"
        )


# --- the board and exports ------------------------------------------------------------------
class BoardView(TemplateView):
    template_name = "agreements/board.html"

    def get_context_data(self, **kwargs):
        agreements = selectors.new_agreements()
        form = BoardFilterForm(
            self.request.GET or None,
            federations=list(Federation.objects.order_by("order", "name")),
            delregions=list(Delregion.objects.order_by("order", "name")),
            agreements=agreements,
        )
        filters = form.filters() if self.request.GET else {}
        board = selectors.adoption_board(today=_today(), **filters)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "board": board,
            "summary": board.summary,
            "filtered": any(filters.values()) if filters else False,
            "can_record": permissions.can_record_decisions(self.request.user),
            # One reverse for the ~150 party links (a slug needs no escaping in a path).
            "party_base": reverse("agreements:party_detail", args=["x"]).removesuffix("x/"),
        }


class RegisterView(TemplateView):
    """Every registered decision, newest first, filtered and paginated."""

    template_name = "agreements/register.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        form = RegisterFilterForm(
            self.request.GET or None,
            federations=list(Federation.objects.order_by("order", "name")),
            agreements=selectors.new_agreements(),
        )
        filters = form.filters() if self.request.GET else {}
        paginator = Paginator(selectors.decision_list(**filters), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            **super().get_context_data(**kwargs),
            "form": form,
            "page_obj": page,
            "decisions": page.object_list,
            "query_string": query.urlencode(),
            "filtered": any(filters.values()) if filters else False,
        }


class RegisterExportView(View):
    formats = {"xlsx": exports.register_xlsx, "csv": exports.register_csv}

    def get(self, request, fmt):
        return self.formats[fmt](_today())


# --- parties --------------------------------------------------------------------------------
class PartyDetailView(TemplateView):
    template_name = "agreements/party_detail.html"

    def get_context_data(self, slug, **kwargs):
        party = get_object_or_404(
            Party.objects.agreement_parties().select_related("federation", "delregion"),
            slug=slug,
        )
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "overview": selectors.party_overview(party, today=_today()),
            "party": party,
            "can_record": permissions.can_record_decision_for(user, party),
        }


# --- decisions ------------------------------------------------------------------------------
def _decision_fields(data: dict) -> dict:
    return {
        "decided_on": data["decided_on"],
        "body": data["body"],
        "body_other": data["body_other"],
        "outcome": data["outcome"],
        "planned_date": data["planned_date"],
        "reference": data["reference"],
        "note": data["note"],
    }


def _parties_for(user):
    parties = Party.objects.agreement_parties().order_by("-kind", "name")  # VGR first
    if has_role(user, Role.FORVALTARE):
        return parties
    own = user.party
    if own is not None and not own.is_region:
        return parties.filter(pk=own.pk)
    return parties


class DecisionCreateView(RoleRequiredMixin, TemplateView):
    allowed_roles = permissions.RECORDING_ROLES
    template_name = "agreements/decision_form.html"

    def get(self, request):
        initial = {}
        slug = request.GET.get("part")
        if slug:
            initial["party"] = Party.objects.filter(slug=slug).first()
        form = DecisionForm(initial=initial, parties=_parties_for(request.user))
        return render(request, self.template_name, {"form": form})

    def post(self, request):
        form = DecisionForm(request.POST, parties=_parties_for(request.user))
        if form.is_valid():
            party = form.cleaned_data["party"]
            try:
                decisions = services.decision_record(
                    actor=request.user,
                    party=party,
                    agreements=list(form.cleaned_data["agreements"]),
                    **_decision_fields(form.cleaned_data),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Beslutet för %(party)s är registrerat för %(count)d avtal.")
                    % {"party": party, "count": len(decisions)},
                )
                return HttpResponseRedirect(reverse("agreements:party_detail", args=[party.slug]))
        return render(request, self.template_name, {"form": form}, status=400)


class _DecisionById:
    def get_object(self, queryset=None):
        return get_object_or_404(
            Decision.objects.select_related("party", "agreement", "recorded_by"),
            pk=self.kwargs["pk"],
        )


class _DecisionObjectMixin(PermissionRequiredForMixin, _DecisionById):
    """The decision of the URL, once the rule ``can_change_decision`` allows it (403)."""

    predicate = staticmethod(permissions.can_change_decision)

    def get_decision(self, pk) -> Decision:
        return self.object


class DecisionCorrectView(RoleRequiredMixin, _DecisionObjectMixin, TemplateView):
    allowed_roles = permissions.RECORDING_ROLES
    template_name = "agreements/decision_correct.html"

    def get(self, request, pk):
        decision = self.get_decision(pk)
        form = DecisionCorrectForm(
            initial={
                name: getattr(decision, name)
                for name in ("decided_on", "body", "body_other", "outcome", "planned_date")
            }
            | {"reference": decision.reference, "note": decision.note}
        )
        return render(request, self.template_name, {"form": form, "decision": decision})

    def post(self, request, pk):
        decision = self.get_decision(pk)
        form = DecisionCorrectForm(request.POST)
        if form.is_valid():
            try:
                services.decision_correct(
                    actor=request.user, decision=decision, **_decision_fields(form.cleaned_data)
                )
            except Decision.DoesNotExist:
                return self._gone(request, form, decision)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Rättelsen är sparad."))
                return HttpResponseRedirect(
                    reverse("agreements:party_detail", args=[decision.party.slug])
                )
        try:
            decision.refresh_from_db()
        except Decision.DoesNotExist:
            return self._gone(request, form, decision)
        return render(request, self.template_name, {"form": form, "decision": decision}, status=400)

    def _gone(self, request, form, decision):
        """Deleted by someone else meanwhile: say so, and keep what was typed on the page."""
        form.add_error(
            None,
            _(
                "Beslutet har tagits bort av någon annan medan du rättade det, så rättelsen "
                "kunde inte sparas. Det du skrev står kvar nedan; registrera beslutet på nytt "
                "om det ska finnas kvar."
            ),
        )
        return render(
            request,
            self.template_name,
            {"form": form, "decision": decision, "gone": True},
            status=409,
        )


class DecisionDeleteView(RoleRequiredMixin, _DecisionObjectMixin, TemplateView):
    allowed_roles = permissions.RECORDING_ROLES
    template_name = "agreements/decision_confirm_delete.html"

    def get(self, request, pk):
        return render(request, self.template_name, {"decision": self.get_decision(pk)})

    def post(self, request, pk):
        decision = self.get_decision(pk)
        party = decision.party
        services.decision_delete(actor=request.user, decision=decision)
        messages.success(request, _("Det felregistrerade beslutet är borttaget."))
        return HttpResponseRedirect(reverse("agreements:party_detail", args=[party.slug]))
