from django.urls import path

from . import views

app_name = "kudos"
urlpatterns = [
    path("", views.wall, name="wall"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("log/", views.log, name="log"),
]
