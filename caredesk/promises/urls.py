from django.urls import path

from . import views

app_name = "promises"
urlpatterns = [
    path("tickets/<int:ticket_id>/detect", views.detect, name="detect"),
    path("tickets/<int:ticket_id>/promises", views.make, name="make"),
    path("tickets/<int:ticket_id>/promises/new", views.add_form, name="add_form"),
    path("<int:promise_id>/keep", views.keep, name="keep"),
    path("<int:promise_id>/cancel", views.cancel, name="cancel"),
]
