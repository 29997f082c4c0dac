"""Admin: the municipality's suppression threshold (the smallest count shown for a town to the
council or the public)."""

from django.contrib import admin

from .models import ParticipationSettings


@admin.register(ParticipationSettings)
class ParticipationSettingsAdmin(admin.ModelAdmin):
    list_display = ("municipality", "suppression_threshold")
