from django.apps import AppConfig


class CardsConfig(AppConfig):
    name = "bekal.cards"
    label = "cards"
