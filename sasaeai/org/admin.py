from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from . import services
from .models import Area, Municipality, SupportCenter, Town, TownBlock

admin.site.register([Area, SupportCenter])


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    """For the installation's operator; `sasaeai municipality create CODE` does the same."""

    list_display = ["code", "name", "name_kana"]
    actions = ["load_towns"]

    @admin.action(description="同梱の住所データから町を読み込む・最新にする")
    def load_towns(self, request, queryset):
        for municipality in queryset:
            try:
                _, _, load = services.municipality_create_from_code(code=municipality.code)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                f"{municipality.name}: 町 {load.towns}件（追加 {load.created}・更新 "
                f"{load.updated}）、丁目 追加 {load.blocks_created}",
            )


class TownBlockInline(admin.TabularInline):
    model = TownBlock
    extra = 0


@admin.register(Town)
class TownAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "municipality"]
    inlines = [TownBlockInline]
