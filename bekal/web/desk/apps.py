from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "bekal.web.desk"
    label = "desk"
