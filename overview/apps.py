from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    name = "overview"
    verbose_name = _("Översikt och sökning")

    def ready(self):
        from overview import signals

        signals.connect()
