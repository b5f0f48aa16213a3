from django.apps import AppConfig


class DesksConfig(AppConfig):
    name = "bekal.desks"
    label = "desks"
    verbose_name = "Assisted registration desks"
