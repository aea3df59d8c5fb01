from django.urls import path

from . import views

app_name = "assignment"
urlpatterns = [
    path("", views.routing, name="routing"),
    path("teams/<int:team_id>/", views.configure, name="configure"),
    path("teams/<int:team_id>/agents/<int:agent_id>/", views.agent_settings, name="agent_settings"),
    path("availability/", views.availability, name="availability"),
]
