from django.apps import AppConfig


class TestSupportConfig(AppConfig):
    name = "tests.support"
    label = "test_support"
