from django.urls import path

from . import views

app_name = "quality"
urlpatterns = [
    path("tickets/<int:ticket_id>/live", views.live, name="live"),
    path("tickets/<int:ticket_id>/scores", views.ticket_scores, name="ticket_scores"),
]
