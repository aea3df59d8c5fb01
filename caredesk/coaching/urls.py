from django.urls import path

from . import views

app_name = "coaching"
urlpatterns = [
    path("", views.home, name="home"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:review_id>/", views.review, name="review"),
    path("reviews/<int:review_id>/change", views.change_review, name="change_review"),
    path("tickets/<int:ticket_id>/review/", views.review_ticket, name="review_ticket"),
    path("tickets/<int:ticket_id>/block", views.ticket_block, name="ticket_block"),
    path("replies/<int:message_id>/example", views.example, name="example"),
    path("replies/<int:message_id>/unmark", views.unmark, name="unmark"),
    path("library/", views.library_view, name="library"),
    path("agents/<int:user_id>/", views.agent, name="agent"),
    path("teams/<int:team_id>/settings", views.team_settings, name="settings"),
]
