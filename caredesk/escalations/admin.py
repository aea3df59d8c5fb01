from django.contrib import admin

from .models import Escalation, Ladder


@admin.register(Ladder)
class LadderAdmin(admin.ModelAdmin):
    """Read-only: ladders are edited at /escalations/ladders/, which checks them and re-times open escalations."""

    list_display = ["team", "escalation_team", "manager", "auto_escalate_after_minutes"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    """Read-only: escalations change only through the ticket page and the API, which record events."""

    list_display = ["ticket", "level", "state", "automatic", "cause", "raised_by", "raised_at"]
    list_filter = ["state", "level", "automatic", "cause"]
    list_select_related = ["ticket", "raised_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
