from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "bekal.care"
    label = "care"
