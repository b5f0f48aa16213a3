from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "bekal.web.portal"
    label = "portal"
