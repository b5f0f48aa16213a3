from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "bekal.programmes"
    label = "programmes"
