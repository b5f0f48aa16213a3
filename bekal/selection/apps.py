from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "bekal.selection"
    label = "selection"
