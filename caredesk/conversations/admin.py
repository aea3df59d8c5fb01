"""Admin pages for what admins define: custom fields, macros, tags. Tickets are worked in the desk."""

from django.contrib import admin

from .models import CustomField, Event, Macro, SavedView, Tag


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "kind", "position"]
    list_editable = ["position"]


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name", "body"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_shared"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The event log, read-only: events are never edited or deleted."""

    list_display = ["at", "kind", "ticket", "actor"]
    list_filter = ["kind"]
    raw_id_fields = ["ticket", "actor"]
    show_full_result_count = False  # no COUNT(*) over millions of events

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
