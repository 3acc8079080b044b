from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("Publicering")

    def ready(self):
        from publishing import gate, mirror, responses

        # In management commands too: taking something off the open site drops its snapshot,
        # and every change to what public pages show expires them; a snapshot's change is
        # mirrored into Öppna soc after the commit.
        gate.connect()
        responses.connect()
        mirror.connect()
