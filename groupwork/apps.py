from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupworkConfig(AppConfig):
    name = "groupwork"
    verbose_name = _("Grupper och personer")

    def ready(self):
        # Imported here, when every app's models are loaded: the search index (a model of
        # this app, defined in groupwork.search) and the signals that keep it up to date.
        from groupwork import signals

        signals.connect()
