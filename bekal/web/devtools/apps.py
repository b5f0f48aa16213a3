from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    name = "bekal.web.devtools"
    label = "devtools"
