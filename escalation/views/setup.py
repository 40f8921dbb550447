"""The förvaltare's pages: the ladder's steps and handler rules, and the parties'
ärendeansvariga and function addresses (everyone reads the ladder; only the förvaltare
changes it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.permissions import permission_required_for
from escalation import forms, permissions, selectors, services
from escalation.models import CaseContact, HandlerRule, LadderStep


# --- the parties' ärendeansvariga ----------------------------------------------------------
def _contacts_post(request, which: str, form) -> str | None:
    """Save the posted form through its service; the success message, or None."""
    if which not in ("contact", "mailbox") or not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if which == "contact":
            services.contact_appoint(actor=request.user, party=data["party"], user=data["user"])
            return _("%(user)s är ärendeansvarig för %(party)s.") % {
                "user": data["user"],
                "party": data["party"],
            }
        services.mailbox_set(actor=request.user, party=data["party"], email=data["email"])
        return _("Funktionsadressen för %(party)s är sparad.") % {"party": data["party"]}
    except ValidationError as error:
        form.add_error(None, error)
        return None


def contacts(request):
    """The förvaltare appoints each party's ärendeansvariga and function address (a page of
    the role, no object: the role check, as for every role-only page)."""
    if not permissions.can_manage_contacts(request.user):
        raise PermissionDenied
    which = request.POST.get("form") if request.method == "POST" else None
    contact_form = forms.ContactForm(request.POST if which == "contact" else None)
    mailbox_form = forms.MailboxForm(request.POST if which == "mailbox" else None)
    status = 200
    if request.method == "POST":
        form = contact_form if which == "contact" else mailbox_form
        message = _contacts_post(request, which, form)
        if message:
            messages.success(request, message)
            return redirect("escalation:contacts")
        status = 400
    return render(
        request,
        "escalation/contacts.html",
        {
            "rows": selectors.contacts_overview(),
            "contact_form": contact_form,
            "mailbox_form": mailbox_form,
        },
        status=status,
    )


def _load_contact(request, pk: int) -> CaseContact:
    return get_object_or_404(CaseContact.objects.select_related("user", "party"), pk=pk)


@require_POST
@permission_required_for(permissions.can_manage_contact, load=_load_contact)
def contact_remove(request, contact: CaseContact):
    services.contact_remove(actor=request.user, contact=contact)
    messages.success(
        request,
        _("%(user)s är inte längre ärendeansvarig för %(party)s.")
        % {"user": contact.user, "party": contact.party},
    )
    return redirect("escalation:contacts")


# --- the ladder ---------------------------------------------------------------------------
@require_GET
def ladder(request):
    return render(
        request,
        "escalation/ladder.html",
        {
            "steps": selectors.ladder_with_rules(),
            "can_manage": permissions.can_manage_ladder(request.user),
        },
    )


def _step_form(request, step: LadderStep | None):
    form = forms.LadderStepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in services.LADDER_FIELDS}
        try:
            fresh = LadderStep.objects.get(pk=step.pk) if step else None
            saved = services.ladder_step_save(actor=request.user, step=fresh, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Steget %(step)s är sparat.") % {"step": saved})
            return redirect("escalation:ladder")
    return render(request, "escalation/ladder_step_form.html", {"form": form, "step": step})


def ladder_step_create(request):
    """A new step (a page of the role, no object yet: the role check)."""
    if not permissions.can_manage_ladder(request.user):
        raise PermissionDenied
    return _step_form(request, None)


def _load_step(request, pk: int) -> LadderStep:
    return get_object_or_404(LadderStep, pk=pk)


@permission_required_for(permissions.can_manage_step, load=_load_step)
def ladder_step_edit(request, step: LadderStep):
    return _step_form(request, step)


@permission_required_for(permissions.can_manage_step, load=_load_step)
def handler_rule_add(request, step: LadderStep):
    form = forms.HandlerRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handler_rule_add(
                actor=request.user,
                step=step,
                kind=form.cleaned_data["kind"],
                role=form.cleaned_data["role"],
                user=form.cleaned_data["user"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Regeln är tillagd på steget %(step)s.") % {"step": step})
            return redirect(reverse("escalation:ladder") + f"#steg-{step.order}")
    return render(request, "escalation/rule_form.html", {"form": form, "step": step})


def _load_rule(request, pk: int) -> HandlerRule:
    return get_object_or_404(HandlerRule.objects.select_related("step"), pk=pk)


@require_POST
@permission_required_for(permissions.can_manage_step, load=_load_rule)
def handler_rule_remove(request, rule: HandlerRule):
    order = rule.step.order
    services.handler_rule_remove(actor=request.user, rule=rule)
    messages.success(request, _("Regeln är borttagen."))
    return redirect(reverse("escalation:ladder") + f"#steg-{order}")
