from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "bekal.regions"
    label = "regions"
