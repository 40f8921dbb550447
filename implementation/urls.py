from django.urls import path

from implementation import views, views_manage

app_name = "implementation"

UNIT = "part/<slug:party>/<slug:unit>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("min-sida/", views.my_page, name="my_page"),
    path(
        "min-sida/status/<int:unit_id>/<int:item_id>/",
        views.quick_status,
        name="quick_status",
    ),
    path("utan-ansvarig/", views.units_without_lead, name="without_lead"),
    path("faser/", views.phases, name="phases"),
    path("faser/<slug:code>/andra/", views_manage.phase_edit, name="phase_edit"),
    path("ansvar/nytt/", views_manage.item_create, name="item_create"),
    path("ansvar/<slug:code>/andra/", views_manage.item_edit, name="item_edit"),
    path("ansvar/<slug:code>/aktiv/", views_manage.item_toggle, name="item_toggle"),
    path("part/<slug:party>/", views.party, name="party"),
    path("part/<slug:party>/export.xlsx", views.party_export, name="party_export"),
    path("part/<slug:party>/ny-enhet/", views_manage.unit_create_view, name="unit_create"),
    path(UNIT, views.unit, name="unit"),
    path(UNIT + "andra/", views_manage.unit_edit, name="unit_edit"),
    path(UNIT + "matris/", views.forvaltning_matrix, name="matrix"),
    path(UNIT + "ny-verksamhet/", views_manage.verksamhet_create, name="verksamhet_create"),
    path(UNIT + "uppdrag/", views_manage.members, name="members"),
    path(UNIT + "uppdrag/<int:pk>/avsluta/", views_manage.member_end, name="member_end"),
    path(UNIT + "export.xlsx", views.unit_export, name="unit_export"),
    path(UNIT + "mall.xlsx", views_manage.bulk_template, name="bulk_template"),
    path(UNIT + "uppladdning/", views_manage.bulk_upload, name="bulk_upload"),
    path(UNIT + "behov/nytt/", views_manage.need_create_view, name="need_create"),
    path(UNIT + "behov/<int:pk>/", views_manage.need_edit, name="need_edit"),
    path(UNIT + "ansvar/<slug:code>/", views.progress_edit, name="progress"),
    path(
        UNIT + "ansvar/<slug:code>/underlag/<int:pk>/",
        views.evidence_download,
        name="evidence",
    ),
]
