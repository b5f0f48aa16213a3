from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "bekal.assessment"
    label = "assessment"
