from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "kundennah.service"
    label = "service"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from kundennah.service import configuration

        configuration.connect_signals()
