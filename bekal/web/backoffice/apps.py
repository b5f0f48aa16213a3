from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "bekal.web.backoffice"
    label = "backoffice"
