"""Shared model bases: timestamps, and the municipality every record belongs to."""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True


class MunicipalityOwned(TimeStampedModel):
    """A record that belongs to exactly one municipality; the access policy scopes by it."""

    municipality = models.ForeignKey(
        "org.Municipality", verbose_name="市区町村", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
