from django.contrib import admin

from .models import Rule, RuleRun


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    """Rules are edited on /automations/ (validated rows); the admin site lists them for reference."""

    list_display = ("name", "kind", "enabled", "position", "applied_count", "failed_count", "last_run_at")
    list_filter = ("kind", "enabled")
    readonly_fields = ("event_kinds", "conditions", "actions", "applied_count", "failed_count", "last_run_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(RuleRun)
class RuleRunAdmin(admin.ModelAdmin):
    list_display = ("rule", "ticket", "at", "status")
    list_filter = ("status",)
    raw_id_fields = ("ticket", "event")
    list_select_related = ("rule", "ticket")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
