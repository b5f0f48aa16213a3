from django.apps import AppConfig


class RegistrationConfig(AppConfig):
    name = "bekal.registration"
    label = "registration"
