from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.sso import oidc, saml

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("", views.ProfileView.as_view(), name="profile"),
    path("losenord/byt/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "losenord/byt/klart/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("losenord/aterstall/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "losenord/aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Sign-in through identity providers
    path("saml/metadata/", saml.SamlMetadataView.as_view(), name="saml_metadata"),
    path("saml/acs/", saml.SamlAcsView.as_view(), name="saml_acs"),
    path("saml/sls/", saml.SamlLogoutServiceView.as_view(), name="saml_sls"),
    path("saml/<slug:slug>/", saml.SamlLoginView.as_view(), name="saml_login"),
    path("oidc/callback/", oidc.OidcCallbackView.as_view(), name="oidc_callback"),
    path("oidc/<slug:slug>/", oidc.OidcLoginView.as_view(), name="oidc_login"),
    # The person picker's suggestions (core.widgets.PersonPicker)
    path("personer/sok/", views.person_search, name="person_search"),
    # The Förvaltare's pages
    path("inloggningstjanster/", views.IdentityProviderListView.as_view(), name="idp_list"),
    path(
        "inloggningstjanster/ny/<str:protocol>/",
        views.IdentityProviderEditView.as_view(),
        name="idp_create",
    ),
    path(
        "inloggningstjanster/<slug:slug>/andra/",
        views.IdentityProviderEditView.as_view(),
        name="idp_edit",
    ),
    path(
        "inloggningstjanster/organisationer/ny/",
        views.OrganisationMappingEditView.as_view(),
        name="mapping_create",
    ),
    path(
        "inloggningstjanster/organisationer/<int:pk>/andra/",
        views.OrganisationMappingEditView.as_view(),
        name="mapping_edit",
    ),
    path(
        "inloggningstjanster/organisationer/<int:pk>/ta-bort/",
        views.OrganisationMappingDeleteView.as_view(),
        name="mapping_delete",
    ),
]
