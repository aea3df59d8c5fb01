from django.urls import path

from . import views

app_name = "service_levels"
urlpatterns = [
    path("", views.policies, name="policies"),
    path("new/", views.new, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<int:policy_id>/", views.edit, name="edit"),
    path("<int:policy_id>/move/", views.move, name="move"),
    path("<int:policy_id>/delete/", views.delete, name="delete"),
    path("tickets/<int:ticket_id>/", views.ticket_targets, name="ticket_targets"),
]
