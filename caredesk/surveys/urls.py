from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.rates, name="rates"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/count/", views.nav_count, name="nav_count"),
    path("follow-ups/<int:follow_up_id>/handle/", views.handle, name="handle"),
    path("settings/", views.settings_page, name="settings"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("portal/<int:survey_id>/answer/", views.portal_answer, name="portal_answer"),
]
