from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("help/", views.new_request, name="new_request"),
    path("help/thanks/", views.thanks, name="thanks"),
    path("portal/", views.tickets, name="tickets"),
    path("portal/login/", views.login_request, name="login"),
    path("portal/login/<str:secret>/", views.login_link, name="login_link"),
    path("portal/new/", views.new_ticket, name="new_ticket"),
    path("portal/tickets/<int:ticket_id>/", views.ticket, name="ticket"),
    path("portal/tickets/<int:ticket_id>/reply/", views.reply, name="reply"),
    path("portal/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
