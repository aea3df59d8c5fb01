from django.contrib import admin

from .models import ReplyScore


@admin.register(ReplyScore)
class ReplyScoreAdmin(admin.ModelAdmin):
    """Read-only: scores are written by the scorer, never by hand."""

    list_display = ("message", "agent", "team", "at", "warm", "interested", "willing", "positive", "empathy", "polite")
    list_select_related = ("agent", "team")
    raw_id_fields = ("message", "ticket", "agent", "team")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
