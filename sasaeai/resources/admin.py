"""Django admin for the resource database (superusers); staff use the app's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, Location, Organization, Schedule, Service, Synonym, TargetGroup


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "municipality", "area", "town", "status", "is_public", "confirmed_at"]
    list_filter = ["municipality", "status", "is_public", "source"]
    search_fields = ["name", "name_kana", "search_text"]
    raw_id_fields = ["location", "organization", "confirmed_by"]
    filter_horizontal = ["categories", "target_groups"]
    inlines = [ScheduleInline]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "municipality", "operator_type"]
    search_fields = ["name", "name_kana"]


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "address", "town", "area", "is_approximate", "is_private_home"]
    search_fields = ["name", "address"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "axis", "parent", "code", "survey_label", "order", "is_active"]
    list_filter = ["axis", "is_active"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["terms", "municipality", "is_active"]
