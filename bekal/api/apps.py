from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The partner-facing APIs (no models): its management commands."""

    name = "bekal.api"
    label = "bekal_api"
    verbose_name = "Partner APIs"
