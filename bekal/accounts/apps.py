from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bekal.accounts"
    label = "accounts"
