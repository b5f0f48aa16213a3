from django.apps import AppConfig


class DisbursementsConfig(AppConfig):
    name = "bekal.disbursements"
    label = "disbursements"
