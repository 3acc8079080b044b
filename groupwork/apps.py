from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupworkConfig(AppConfig):
    name = "groupwork"
    verbose_name = _("Grupper och personer")

    def ready(self):
        # Imported here, when every app's models are loaded: the search index (a model of
        # this app, defined in groupwork.search) and the signals that keep it up to date.
        from groupwork import publishing, signals, staffcache

        signals.connect()
        # Every write, in management commands too, expires the staff pages kept per session.
        staffcache.connect()
        # Importing publishing connects the signals that expire cached public pages when
        # what they show changes, in management commands too.
        del publishing
