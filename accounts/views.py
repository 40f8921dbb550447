from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView

from accounts import services
from accounts.forms import IdentityProviderForm, LoginForm, OrganisationMappingForm
from accounts.models import IdentityProvider, OrganisationMapping, SignInEvent, User
from accounts.password_reset import OutboxPasswordResetForm
from accounts.permissions import may
from accounts.sso import flow
from core.ratelimit import per_target_limit


class PasswordLoginEnabledMixin:
    """The password views exist only while password sign-in is on (PASSWORD_LOGIN)."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """The login page: one button per identity provider, and the password form while
    password sign-in is on."""

    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.PASSWORD_LOGIN:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        providers = list(IdentityProvider.objects.filter(is_active=True))
        context["saml_providers"] = [p for p in providers if p.protocol == "saml"]
        context["oidc_providers"] = [p for p in providers if p.protocol == "oidc"]
        context["password_login"] = settings.PASSWORD_LOGIN
        return context


class LogoutView(View):
    """Ends the portal session, then the IdP's session where the IdP offers single logout."""

    http_method_names = ["post"]

    def post(self, request):
        from accounts.sso.oidc import oidc_logout_redirect
        from accounts.sso.saml import saml_logout_redirect

        provider = IdentityProvider.objects.filter(
            pk=request.session.get(flow.SESSION_PROVIDER)
        ).first()
        target = None
        if provider and provider.protocol == IdentityProvider.Protocol.SAML:
            target = saml_logout_redirect(request)
        elif provider:
            target = oidc_logout_redirect(request, provider)
        auth.logout(request)
        if not target:
            return HttpResponseRedirect(resolve_url(settings.LOGOUT_REDIRECT_URL))
        # The page's form may only post to the portal (CSP form-action 'self'), which also
        # binds the redirects that follow it: the IdP's logout is reached from a page of ours.
        return render(request, "accounts/sso_logout.html", {"target": target, "provider": provider})


class ProfileView(TemplateView):
    template_name = "registration/profile.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "password_login": settings.PASSWORD_LOGIN}


class PasswordChangeView(PasswordLoginEnabledMixin, auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(PasswordLoginEnabledMixin, auth_views.PasswordResetView):
    # Sent through the outbox after the request, whatever the address (accounts.password_reset).
    form_class = OutboxPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # A few resets an hour per address, whoever asks (the same for unknown addresses, so
        # the limit says nothing about which ones have accounts): no mailbox can be flooded.
        limited = per_target_limit(
            self.request, group="accounts:password-reset", value=form.cleaned_data["email"]
        )
        return limited or super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(PasswordLoginEnabledMixin, auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- The Förvaltare's pages: identity providers and organisation mappings -----------------
class ForvaltareOnlyMixin:
    action = "change_identity_providers"

    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, self.action):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IdentityProviderListView(ForvaltareOnlyMixin, TemplateView):
    action = "view_identity_providers"
    template_name = "accounts/identity_providers.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "providers": IdentityProvider.objects.all(),
            "mappings": OrganisationMapping.objects.select_related("party"),
            "events": SignInEvent.objects.select_related("provider", "user")[:20],
            "sp_metadata_url": settings.SITE_URL + reverse("accounts:saml_metadata"),
            "oidc_callback_url": settings.SITE_URL + reverse("accounts:oidc_callback"),
        }


class IdentityProviderEditView(ForvaltareOnlyMixin, View):
    template_name = "accounts/identity_provider_form.html"

    def _provider(self, slug, protocol):
        if slug:
            return get_object_or_404(IdentityProvider, slug=slug)
        if protocol not in IdentityProvider.Protocol.values:
            raise Http404
        return IdentityProvider(protocol=protocol)

    def get(self, request, slug=None, protocol=None):
        provider = self._provider(slug, protocol)
        form = IdentityProviderForm(instance=provider, protocol=provider.protocol)
        return render(request, self.template_name, {"form": form, "provider": provider})

    def post(self, request, slug=None, protocol=None):
        provider = self._provider(slug, protocol)
        form = IdentityProviderForm(
            request.POST, request.FILES, instance=provider, protocol=provider.protocol
        )
        if form.is_valid():
            try:
                services.identity_provider_save(
                    provider=form.instance,
                    actor=request.user,
                    metadata_upload=form.cleaned_data.get("metadata_file"),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Inloggningstjänsten är sparad."))
                return redirect("accounts:idp_list")
        return render(request, self.template_name, {"form": form, "provider": provider})


class OrganisationMappingEditView(ForvaltareOnlyMixin, View):
    action = "change_organisation_mappings"
    template_name = "accounts/organisation_mapping_form.html"

    def get(self, request, pk=None):
        mapping = get_object_or_404(OrganisationMapping, pk=pk) if pk else None
        form = OrganisationMappingForm(instance=mapping)
        return render(request, self.template_name, {"form": form, "mapping": mapping})

    def post(self, request, pk=None):
        mapping = get_object_or_404(OrganisationMapping, pk=pk) if pk else None
        form = OrganisationMappingForm(request.POST, instance=mapping)
        if form.is_valid():
            services.organisation_mapping_save(mapping=form.instance, actor=request.user)
            messages.success(request, _("Organisationskopplingen är sparad."))
            return redirect("accounts:idp_list")
        return render(request, self.template_name, {"form": form, "mapping": mapping})


class OrganisationMappingDeleteView(ForvaltareOnlyMixin, View):
    action = "change_organisation_mappings"
    template_name = "accounts/organisation_mapping_delete.html"

    def get(self, request, pk):
        mapping = get_object_or_404(OrganisationMapping.objects.select_related("party"), pk=pk)
        return render(request, self.template_name, {"mapping": mapping})

    def post(self, request, pk):
        mapping = get_object_or_404(OrganisationMapping, pk=pk)
        services.organisation_mapping_delete(mapping=mapping, actor=request.user)
        messages.success(request, _("Organisationskopplingen är borttagen."))
        return redirect("accounts:idp_list")


@require_GET
def person_search(request):
    """Up to 20 active people matching every typed word (name, username, e-mail), as labels
    for the person picker's list; ``part`` limits them to one party."""
    from django.db.models import Q
    from django.http import JsonResponse

    from accounts.forms import person_label

    if not may(request.user, "search_people"):
        raise PermissionDenied
    words = request.GET.get("q", "").split()[:4]
    if not words or len(" ".join(words)) < 2:
        return JsonResponse({"results": []})
    people = User.objects.filter(is_active=True).select_related("party")
    for word in words:
        word = word[:50]
        people = people.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    party = request.GET.get("part", "")[:60]
    if party:
        people = people.filter(party__slug=party)
    found = people.order_by("first_name", "last_name", "username")[:20]
    return JsonResponse({"results": [person_label(u) for u in found]})
