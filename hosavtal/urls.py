from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from hosavtal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include("accounts.urls")),
    path("avtal/", include("agreements.urls")),
    path("genomforande/", include("implementation.urls")),
    path("eskalering/", include("escalation.urls")),
    path("konferenser/", include("conferences.urls")),
    path("paminnelser/", include("reminders.urls")),
    path("organ/", include("bodies.urls")),
    path("organisation/", include("onboarding.urls")),
    path("dokument/", include("documents.urls")),
    path("styrgrupp/", include("hosavtal.dashboard.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/js/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("forvaltning/admin/", admin.site.urls),
    path("", include("core.urls")),
]
# Uploaded files are never served directly: each app serves its own through a view that
# checks the user's permission on the object the file belongs to.

handler403 = "hosavtal.views.error_403"
handler404 = "hosavtal.views.error_404"
handler500 = "hosavtal.views.error_500"
