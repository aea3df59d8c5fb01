from django.contrib import admin

from .models import Customer, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "organisation"]
    search_fields = ["name", "email"]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["organisation"]
