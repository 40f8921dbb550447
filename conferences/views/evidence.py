"""Linking a conference to implementation checklist items (Förvaltare only)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from conferences import permissions
from conferences.evidence_link import (
    DIALOGUE_ITEM_CODES,
    checklist_link_add,
    checklist_link_remove,
)
from conferences.models import ChecklistLink
from conferences.views.base import ConferenceMixin, flash_errors


class ResponsibilityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.phase.name} · {obj.get_level_display()}: {obj.title}"


class LinkForm(forms.Form):
    responsibility = ResponsibilityChoiceField(
        label=gettext_lazy("Ansvar i checklistan"),
        queryset=None,
        empty_label=gettext_lazy("– Välj ansvar –"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        from implementation.models import Responsibility

        self.fields["responsibility"].queryset = (
            Responsibility.objects.filter(is_active=True)
            .exclude(conference_links__conference=conference)
            .select_related("phase")
            .order_by("phase__order", "level", "order", "code")
        )


class EvidenceLinkView(ConferenceMixin, View):
    template = "conferences/evidence.html"
    predicate = staticmethod(permissions.can_link_evidence)

    def context(self, form=None):
        from implementation.models import Responsibility

        links = list(
            self.conference.checklist_links.select_related("responsibility__phase", "created_by")
        )
        linked = {link.responsibility_id for link in links}
        suggested = [
            r
            for r in Responsibility.objects.filter(code__in=DIALOGUE_ITEM_CODES, is_active=True)
            .select_related("phase")
            .order_by("level")
            if r.pk not in linked
        ]
        return {
            "conference": self.conference,
            "links": links,
            "suggested": suggested,
            "form": form or LinkForm(conference=self.conference),
        }

    def get(self, request, slug):
        return render(request, self.template, self.context())

    def post(self, request, slug):
        if "remove" in request.POST:
            link = get_object_or_404(
                ChecklistLink, pk=request.POST["remove"], conference=self.conference
            )
            checklist_link_remove(link=link, actor=request.user)
            messages.success(request, _("Kopplingen är borttagen."))
            return redirect("conferences:evidence", slug=slug)
        form = LinkForm(request.POST, conference=self.conference)
        if not form.is_valid():
            return render(request, self.template, self.context(form), status=400)
        try:
            checklist_link_add(
                conference=self.conference,
                responsibility=form.cleaned_data["responsibility"],
                actor=request.user,
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _(
                    "Konferensen är kopplad. Närvaro markerar nu ansvaret som klart för "
                    "deltagarens enhet."
                ),
            )
        return redirect("conferences:evidence", slug=slug)
