from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BodiesConfig(AppConfig):
    name = "bodies"
    verbose_name = _("Gemensamma organ")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from bodies import models

        auditlog.register(models.Membership)
        auditlog.register(models.Meeting, exclude_fields=["participants", "items"])
        auditlog.register(models.Participant)
        auditlog.register(models.AgendaItem, exclude_fields=["outcomes"])
        auditlog.register(models.Issue, exclude_fields=["moves", "agenda_items"])
        auditlog.register(models.IssueMove)
        auditlog.register(models.Outcome, m2m_fields={"agreed"})
        auditlog.register(models.CalendarToken, exclude_fields=["token"])

        from bodies.panels import my_actions_panel
        from implementation import views as implementation_views

        if my_actions_panel not in implementation_views.MY_PAGE_PANELS:
            implementation_views.MY_PAGE_PANELS.append(my_actions_panel)
