from django.urls import path

from . import views

app_name = "mail"
urlpatterns = [
    path("outbox/<int:outbound_id>/resend", views.resend, name="resend"),
]
