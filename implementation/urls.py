from django.urls import path

from implementation.views import manage, pages, personal

app_name = "implementation"

UNIT = "part/<slug:party>/<slug:unit>/"

urlpatterns = [
    path("", pages.index, name="index"),
    path("min-sida/", personal.my_page, name="my_page"),
    path(
        "min-sida/status/<int:unit_id>/<int:item_id>/",
        personal.quick_status,
        name="quick_status",
    ),
    path("utan-ansvarig/", pages.units_without_lead, name="without_lead"),
    path("faser/", pages.phases, name="phases"),
    path("faser/<slug:code>/andra/", manage.phase_edit, name="phase_edit"),
    path("ansvar/nytt/", manage.item_create, name="item_create"),
    path("ansvar/<slug:code>/andra/", manage.item_edit, name="item_edit"),
    path("ansvar/<slug:code>/aktiv/", manage.item_toggle, name="item_toggle"),
    path("part/<slug:party>/", pages.party, name="party"),
    path("part/<slug:party>/export.xlsx", pages.party_export, name="party_export"),
    path("part/<slug:party>/ny-enhet/", manage.unit_create_view, name="unit_create"),
    path(UNIT, pages.unit, name="unit"),
    path(UNIT + "andra/", manage.unit_edit, name="unit_edit"),
    path(UNIT + "matris/", pages.forvaltning_matrix, name="matrix"),
    path(UNIT + "ny-verksamhet/", manage.verksamhet_create, name="verksamhet_create"),
    path(UNIT + "uppdrag/", manage.members, name="members"),
    path(UNIT + "uppdrag/<int:pk>/avsluta/", manage.member_end, name="member_end"),
    path(UNIT + "export.xlsx", pages.unit_export, name="unit_export"),
    path(UNIT + "mall.xlsx", manage.bulk_template, name="bulk_template"),
    path(UNIT + "uppladdning/", manage.bulk_upload, name="bulk_upload"),
    path(UNIT + "behov/nytt/", manage.need_create_view, name="need_create"),
    path(UNIT + "behov/<int:pk>/", manage.need_edit, name="need_edit"),
    path(UNIT + "ansvar/<slug:code>/", pages.progress_edit, name="progress"),
    path(
        UNIT + "ansvar/<slug:code>/underlag/<int:pk>/",
        pages.evidence_download,
        name="evidence",
    ),
]
