from django.contrib import admin

from .models import AgentStatus, TeamRouting


@admin.register(TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin):
    list_display = ("team", "mode", "only_when_working", "max_open_default", "last_assigned")
    list_select_related = ("team", "last_assigned")
    raw_id_fields = ("last_assigned",)


@admin.register(AgentStatus)
class AgentStatusAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "capacity", "hours", "changed_at")
    list_select_related = ("user",)
    list_filter = ("status",)
    raw_id_fields = ("user",)
