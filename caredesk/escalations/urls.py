from django.urls import path

from . import views

app_name = "escalations"
urlpatterns = [
    path("", views.board, name="board"),
    path("tickets/<int:ticket_id>/escalate/", views.escalate, name="escalate"),
    path("<int:escalation_id>/resolve/", views.resolve, name="resolve"),
    path("<int:escalation_id>/de-escalate/", views.de_escalate, name="de_escalate"),
    path("ladders/", views.ladders, name="ladders"),
    path("ladders/<int:team_id>/", views.edit_ladder, name="edit_ladder"),
]
