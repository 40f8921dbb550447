from django.urls import path

from onboarding import views

app_name = "onboarding"

urlpatterns = [
    path("", views.index, name="index"),
    path("part/<slug:slug>/", views.party, name="party"),
    path("part/<slug:slug>/personer/", views.people, name="people"),
    path("part/<slug:slug>/enheter/ny/", views.unit_create, name="unit_create"),
    path("part/<slug:slug>/enheter/<slug:unit>/andra/", views.unit_edit, name="unit_edit"),
    path("part/<slug:slug>/enheter/<slug:unit>/avveckla/", views.unit_retire, name="unit_retire"),
    path(
        "part/<slug:slug>/enheter/<slug:unit>/aterstall/", views.unit_restore, name="unit_restore"
    ),
    path("part/<slug:slug>/avvecklade/", views.retired, name="retired"),
    path("part/<slug:slug>/bjud-in/", views.invite, name="invite"),
    path("part/<slug:slug>/import/", views.import_upload, name="import"),
    path("part/<slug:slug>/import/mall/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_confirm, name="import_confirm"),
    path("uppdrag/<int:pk>/avsluta/", views.membership_end, name="membership_end"),
    path("inbjudan/<int:pk>/skicka-igen/", views.invitation_resend, name="invitation_resend"),
    path("inbjudan/<int:pk>/aterkalla/", views.invitation_revoke, name="invitation_revoke"),
    path("valkommen/<str:token>/", views.accept, name="accept"),
    path("anvandare/", views.users, name="users"),
    path("anvandare/<int:pk>/", views.user_edit, name="user_edit"),
    path("adresser/", views.addresses, name="addresses"),
    path("adresser/<str:kind>/<slug:slug>/", views.address_edit, name="address_edit"),
]
