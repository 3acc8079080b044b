from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupworkConfig(AppConfig):
    name = "groupwork"
    verbose_name = _("Grupper och personer")

