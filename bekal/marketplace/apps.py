from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "bekal.marketplace"
    label = "marketplace"
    verbose_name = _("Training marketplace")
    default_auto_field = "django.db.models.BigAutoField"
