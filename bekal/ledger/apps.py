from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "bekal.ledger"
    label = "ledger"
