from django.urls import path

from . import views

app_name = "calendars"
urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("new", views.new, name="new"),
    path("preview", views.preview, name="preview"),
    path("<int:calendar_id>/", views.detail, name="detail"),
]
