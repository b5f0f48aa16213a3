from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bekal.core"
    label = "core"
