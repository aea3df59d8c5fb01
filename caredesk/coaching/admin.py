"""Coaching in the admin: team sample settings are editable; reviews and examples are read here and
changed through the desk (services), so that a review keeps its event."""

from django.contrib import admin

from .models import CoachingSettings, Review, SituationTag, TrainingExample


@admin.register(CoachingSettings)
class CoachingSettingsAdmin(admin.ModelAdmin):
    list_display = ["team", "sample_enabled", "sample_per_agent"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["ticket", "agent", "reviewer", "resolution", "created_at"]
    raw_id_fields = ["ticket", "agent", "reviewer"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrainingExample)
class TrainingExampleAdmin(admin.ModelAdmin):
    list_display = ["ticket", "agent", "marked_by", "created_at"]
    raw_id_fields = ["message", "ticket", "agent", "marked_by"]

    def has_add_permission(self, request):
        return False


admin.site.register(SituationTag)
