from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("figures.csv", views.summary_csv, name="summary_csv"),
    path("series.csv", views.series_csv, name="series_csv"),
    path("breakdown.csv", views.breakdown_csv, name="breakdown_csv"),
    path("tickets/", views.tickets, name="tickets"),
    path("tickets.csv", views.tickets_csv, name="tickets_csv"),
    path("standard/", views.standard, name="standard"),
]
