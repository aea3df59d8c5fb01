from django.apps import AppConfig


class CoachingConfig(AppConfig):
    name = "caredesk.coaching"
    label = "coaching"
    verbose_name = "Coaching"
