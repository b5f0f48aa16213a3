from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "bekal.web.backoffice"
    label = "backoffice"

    def ready(self) -> None:
        from bekal.web.backoffice import admin_login

        # The Django admin logs in through the same throttled, audited service.
        admin_login.install()
