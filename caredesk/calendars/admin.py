"""The calendars in Django's admin site, for completeness: the desk's own page is /calendars/."""

from django.contrib import admin

from .models import BusinessCalendar, ClosedDay


class ClosedDayInline(admin.TabularInline):
    model = ClosedDay
    extra = 1


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "hours", "time_zone", "holidays", "is_default"]
    inlines = [ClosedDayInline]
    readonly_fields = ["updated_at"]
