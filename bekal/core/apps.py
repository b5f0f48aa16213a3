from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bekal.core"
    label = "core"

    def ready(self) -> None:
        from bekal.core.masking import install_log_record_masking

        # No log line leaves the process with a clear NIK, KK, phone or account number.
        install_log_record_masking()
