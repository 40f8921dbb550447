"""The bodies' own pages: the list, a body, its members, per-capsulam decisions and the
decisions export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from bodies import forms, selectors, services
from bodies.models import Membership
from bodies.permissions import Action, actions, may
from bodies.views._common import PAGE_SIZE, form_errors, load_body, load_member
from core.exports import Sheet, xlsx_response
from core.permissions import permission_required_for
from core.roles import Role, has_role

SEE_BODY = may(Action.VIEW)


@require_safe
def index(request):
    rows = [(b, actions(request.user, b)) for b in selectors.bodies_with_counts()]
    return render(
        request,
        "bodies/index.html",
        {
            "rows": [(b, Action.READ_ALL in acts) for b, acts in rows if Action.VIEW in acts],
            "can_dashboard": has_role(
                request.user, Role.POLITIKER, Role.STYRGRUPP, Role.FORVALTARE
            ),
        },
    )


@require_safe
@permission_required_for(load=load_body, see=SEE_BODY)
def body_detail(request, body):
    acts = actions(request.user, body)
    page = Paginator(selectors.visible_meetings(request.user, body), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "bodies/body.html",
        {
            "body": body,
            "acts": acts,
            "can": {a.value: a in acts for a in Action},
            "members": selectors.current_members(body),
            "page": page,
            "decisions": selectors.decisions_of(body, limit=20)
            if Action.READ_RECORD in acts
            else [],
        },
    )


def _member_form(request, body, member: Membership | None):
    form = forms.MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        original = Membership.objects.get(pk=member.pk) if member else None
        try:
            services.member_save(
                actor=request.user, body=body, member=original, **form.cleaned_data
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Ledamoten är sparad."))
            return redirect("bodies:body", slug=body.slug)
    return render(
        request, "bodies/member_form.html", {"body": body, "form": form, "member": member}
    )


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.MEMBERS), load=load_body, see=SEE_BODY)
def member_create(request, body):
    return _member_form(request, body, None)


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.MEMBERS), load=load_member, see=SEE_BODY)
def member_update(request, member):
    return _member_form(request, member.body, member)


@require_http_methods(["GET", "POST"])
@permission_required_for(may(Action.EDIT), load=load_body, see=SEE_BODY)
def per_capsulam(request, body):
    members = selectors.current_members(body)
    form = forms.PerCapsulamForm(request.POST or None, body=body, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.per_capsulam_decide(
                actor=request.user,
                body=body,
                text=form.cleaned_data["text"],
                decided_on=form.cleaned_data["decided_on"],
                agreed=list(form.cleaned_data["agreed"]),
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Beslutet per capsulam är registrerat."))
            return redirect("bodies:body", slug=body.slug)
    return render(request, "bodies/per_capsulam.html", {"body": body, "form": form})


@require_safe
@permission_required_for(may(Action.READ_RECORD), load=load_body, see=SEE_BODY)
def decisions_export(request, body):
    rows = []
    for o in selectors.export_rows(body):
        rows.append(
            [
                o.date,
                o.get_kind_display(),
                str(services.PER_CAPSULAM_LABEL)
                if o.per_capsulam
                else (o.item.meeting.title or _("Möte")),
                o.item.title if o.item_id else "",
                o.text,
                (o.owner.get_full_name() or o.owner.username) if o.owner_id else "",
                o.due_date,
                o.done_at,
                ", ".join(m.name for m in o.agreed.all()) if o.per_capsulam else "",
            ]
        )
    headers = [
        _("Datum"),
        _("Slag"),
        _("Möte"),
        _("Punkt"),
        _("Text"),
        _("Ansvarig"),
        _("Klart senast"),
        _("Klar"),
        _("Ledamöter som instämt"),
    ]
    filename = f"beslut-och-atgarder-{body.slug}-{timezone.localdate().isoformat()}.xlsx"
    return xlsx_response(filename, [Sheet(_("Beslut och åtgärder"), headers, rows)])
