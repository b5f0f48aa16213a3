from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "bekal.reporting"
    label = "reporting"
