from django.urls import path

from core import views

urlpatterns = [
    path("tillganglighet/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("halsa/", views.HealthView.as_view(), name="health"),
]
