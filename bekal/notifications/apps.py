from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "bekal.notifications"
    label = "notifications"
