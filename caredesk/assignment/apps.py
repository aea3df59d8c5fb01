from django.apps import AppConfig


class AssignmentConfig(AppConfig):
    name = "caredesk.assignment"
    label = "assignment"
    verbose_name = "Assignment"
