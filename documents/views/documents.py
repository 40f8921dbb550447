"""Documents, their versions and files, and the backing register (which parties stand
behind a final version)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from agreements.models import Party
from documents import permissions, selectors, services
from documents.forms import (
    BackingForm,
    DocumentForm,
    FileForm,
    VersionForm,
    VersionUpdateForm,
)
from documents.models import (
    Document,
    VersionFile,
)
from documents.views._common import (
    Loaded,
    ManagerOnly,
    _errors,
    _file_response,
    _require,
)


# --- documents ------------------------------------------------------------------------------
class DocumentListView(View):
    def get(self, request):
        kind = request.GET.get("slag", "")
        if kind not in Document.Kind.values:
            kind = ""
        page = Paginator(selectors.document_list(kind), 50).get_page(request.GET.get("sida"))
        return render(
            request,
            "documents/index.html",
            {
                "page_obj": page,
                "kinds": Document.Kind.choices,
                "kind": kind,
                "can_manage": permissions.can_manage(request.user),
                "can_view_rounds": permissions.can_view_rounds(request.user),
            },
        )


class DocumentCreateView(ManagerOnly, View):
    def get(self, request):
        return render(request, "documents/form.html", {"form": DocumentForm(), "new": True})

    def post(self, request):
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                document = services.document_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Dokumentet är sparat. Lägg till en version."))
                return redirect("documents:version_create", pk=document.pk)
        return render(request, "documents/form.html", {"form": form, "new": True})


class DocumentDetailView(View):
    def get(self, request, pk):
        document = selectors.document_detail(pk)
        versions = list(document.versions.all())
        counts = selectors.backing_counts([v.pk for v in versions])
        for version in versions:
            version.backed = counts.get(version.pk, 0)
        total = Party.objects.agreement_parties().count() if versions else 0
        return render(
            request,
            "documents/detail.html",
            {
                "document": document,
                "versions": versions,
                "total": total,
                "can_manage": permissions.can_manage(request.user),
                "can_view_rounds": permissions.can_view_rounds(request.user),
            },
        )


class DocumentUpdateView(ManagerOnly, Loaded, View):
    def load(self, pk):
        self.document = get_object_or_404(Document, pk=pk)

    def get(self, request, pk):
        d = self.document
        form = DocumentForm(
            initial={
                "title": d.title,
                "kind": d.kind,
                "description": d.description,
                "backing_required": d.backing_required,
                "agreements": list(d.agreements.all()),
                "responsibilities": list(d.responsibilities.all()),
            }
        )
        return render(request, "documents/form.html", {"form": form, "document": d})

    def post(self, request, pk):
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                services.document_update(
                    actor=request.user, document=self.document, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Dokumentet är ändrat."))
                return redirect("documents:detail", pk=pk)
        return render(request, "documents/form.html", {"form": form, "document": self.document})


class VersionCreateView(ManagerOnly, Loaded, View):
    def load(self, pk):
        self.document = get_object_or_404(Document, pk=pk)

    def get(self, request, pk):
        return render(
            request,
            "documents/version_form.html",
            {"form": VersionForm(), "document": self.document},
        )

    def post(self, request, pk):
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.version_create(
                    actor=request.user, document=self.document, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Versionen är sparad."))
                return redirect("documents:detail", pk=pk)
        return render(
            request, "documents/version_form.html", {"form": form, "document": self.document}
        )


class VersionUpdateView(ManagerOnly, Loaded, View):
    def load(self, pk):
        self.version = selectors.version_for(pk)

    def _render(self, request, form):
        return render(
            request,
            "documents/version_form.html",
            {"form": form, "document": self.version.document, "version": self.version},
        )

    def get(self, request, pk):
        if self.version.locked:
            messages.error(request, services.LOCKED)
            return redirect("documents:detail", pk=self.version.document_id)
        v = self.version
        return self._render(
            request,
            VersionUpdateForm(
                initial={
                    "stage": v.stage,
                    "note": v.note,
                    "checked_on": v.checked_on,
                    "backing_deadline": v.backing_deadline,
                }
            ),
        )

    def post(self, request, pk):
        form = VersionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.version_update(
                    actor=request.user, version=self.version, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("documents:detail", pk=self.version.document_id)
            messages.success(request, _("Versionen är ändrad."))
            return redirect("documents:detail", pk=self.version.document_id)
        return self._render(request, form)


class VersionFileAddView(ManagerOnly, View):
    def post(self, request, pk):
        version = selectors.version_for(pk)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.version_file_add(
                    actor=request.user, version=version, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Filen är tillagd."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("documents:detail", pk=version.document_id)


class VersionFileView(View):
    def get(self, request, pk):
        item = get_object_or_404(VersionFile, pk=pk)
        return _file_response(item.file, item.name)


# --- backing --------------------------------------------------------------------------------
class BackingView(Loaded, View):
    def load(self, pk):
        self.version = selectors.version_for(pk)

    def _render(self, request, form, status=200):
        register = selectors.backing_register(self.version, today=timezone.localdate())
        return render(
            request,
            "documents/backing.html",
            {
                "version": self.version,
                "document": self.version.document,
                "register": register,
                "form": form,
                "can_manage": permissions.can_manage(request.user),
                "history": selectors.backing_history(self.version)[:200],
            },
            status=status,
        )

    def get(self, request, pk):
        form = BackingForm(initial={"decided_on": timezone.localdate()})
        return self._render(request, form)

    def post(self, request, pk):
        _require(permissions.can_manage, request.user)
        form = BackingForm(request.POST)
        if form.is_valid():
            try:
                backing = services.backing_record(
                    actor=request.user, version=self.version, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ställningstagandet för %(party)s är registrerat.")
                    % {"party": backing.party},
                )
                return redirect("documents:backing", pk=pk)
        return self._render(request, form, status=200)
