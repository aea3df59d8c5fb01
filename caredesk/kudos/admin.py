"""Kudos in the admin, read-only: they are made by routing and the log form (services), which record events."""

from django.contrib import admin

from .models import Kudos


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["person", "team", "ticket", "source", "match", "at"]
    list_filter = ["source", "match", "team"]
    raw_id_fields = ["person", "ticket", "message", "logged_by"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
