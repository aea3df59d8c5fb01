from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "caredesk.reports"
    label = "reports"
    verbose_name = "Reports"
