"""The Förvaltare's pages (users: find, change role/party, deactivate) and the function
addresses kept by the registrator."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import User
from agreements import services as agreement_services
from agreements.models import Federation, JointBody, Party
from core.roles import Role
from core.views import crumbs
from onboarding import selectors, services
from onboarding.forms import AddressForm, UserForm
from onboarding.views.common import _page, _require


@require_GET
def users(request):
    _require(request, "manage_users")
    q = request.GET.get("q", "").strip()[:100]
    party = request.GET.get("part", "")[:60]
    role = request.GET.get("roll", "")[:30]
    page = _page(request, selectors.users(q, party, role))
    invitations = selectors.invitations_of(None, q).filter(used_at=None, revoked_at=None)
    if party:
        invitations = invitations.filter(party__slug=party)
    query = urlencode({k: v for k, v in (("q", q), ("part", party), ("roll", role)) if v})
    return render(
        request,
        "onboarding/users.html",
        {
            "page_obj": page,
            "users": page.object_list,
            "invitations": invitations[:50],
            "q": q,
            "party": party,
            "role": role,
            "parties": Party.objects.order_by("name").only("slug", "name"),
            "roles": Role.choices,
            "query_string": query,
            "crumbs": crumbs(("onboarding:index", _("Organisation"))),
        },
    )


def user_edit(request, pk):
    _require(request, "manage_users")
    person = get_object_or_404(User.objects.select_related("party", "federation"), pk=pk)
    form = UserForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        if person.pk == request.user.pk and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("Du kan inte inaktivera ditt eget konto."))
        else:
            services.user_update(user=form.instance, actor=request.user)
            messages.success(request, _("%(user)s är sparad.") % {"user": person})
            return redirect("onboarding:users")
    return render(request, "onboarding/user_form.html", {"form": form, "person": person})


@require_GET
def addresses(request):
    _require(request, "view_addresses")
    return render(
        request,
        "onboarding/addresses.html",
        {
            "federations": Federation.objects.order_by("name"),
            "bodies": JointBody.objects.order_by("name"),
            "parties": Party.objects.agreement_parties().order_by("name"),
        },
    )


def address_edit(request, kind, slug):
    _require(request, "edit_addresses")
    if kind == "forbund":
        obj, field = get_object_or_404(Federation, slug=slug), "email"
        save = lambda email: agreement_services.federation_set_email(  # noqa: E731
            federation=obj, email=email, actor=request.user
        )
    elif kind == "organ":
        obj, field = get_object_or_404(JointBody, slug=slug), "email"
        save = lambda email: agreement_services.joint_body_set_email(  # noqa: E731
            body=obj, email=email, actor=request.user
        )
    elif kind == "part":
        obj, field = get_object_or_404(Party, slug=slug), "registry_email"
        save = lambda email: agreement_services.party_set_registry_email(  # noqa: E731
            party=obj, email=email, actor=request.user
        )
    else:
        raise Http404
    form = AddressForm(request.POST or None, initial={"email": getattr(obj, field)})
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data["email"])
        except ValidationError as error:
            form.add_error("email", " ".join(error.messages))
        else:
            messages.success(request, _("Adressen för %(name)s är sparad.") % {"name": obj})
            return redirect("onboarding:addresses")
    return render(request, "onboarding/address_form.html", {"form": form, "obj": obj})
