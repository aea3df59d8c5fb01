from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "caredesk.surveys"
    label = "surveys"
    verbose_name = "Surveys"
