"""Promises in the admin, read-only: they change only through the desk (services), so that every change
has its event."""

from django.contrib import admin

from .models import Promise


@admin.register(Promise)
class PromiseAdmin(admin.ModelAdmin):
    list_display = ["what", "ticket", "owner", "due_at", "state", "source"]
    list_filter = ["state", "source"]
    raw_id_fields = ["ticket", "owner", "made_by", "message"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
