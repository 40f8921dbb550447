from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.index, name="index"),
    path("val/", views.preferences, name="preferences"),
    path("utskick/", views.send_log, name="log"),
    path("utskick/<int:pk>/", views.message_detail, name="message"),
    path("utskick/<int:pk>/skicka-igen/", views.message_retry_view, name="retry"),
    path("installningar/", views.settings_edit, name="settings"),
]
