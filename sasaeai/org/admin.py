from django.contrib import admin

from .models import Area, Municipality, SupportCenter, Town, TownBlock

admin.site.register([Municipality, Area, SupportCenter])


class TownBlockInline(admin.TabularInline):
    model = TownBlock
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "municipality"]
    inlines = [TownBlockInline]
