from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "bekal.identity"
    label = "identity"
