from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Uppgifter")

    def ready(self):
        from actions import minutes_mail
        from meetings.signals import minutes_approved

        minutes_approved.connect(minutes_mail.queue, dispatch_uid="actions-minutes-mail")
