from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HosavtalConfig(AppConfig):
    name = "hosavtal"
    verbose_name = _("HoS-portalen")

    def ready(self) -> None:
        # SteeringMeeting moved to bodies.Meeting (registered with auditlog by bodies).
        pass
