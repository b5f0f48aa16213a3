from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "bekal.web.dashboards"
    label = "dashboards"
