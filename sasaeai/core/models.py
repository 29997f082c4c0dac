"""Shared model bases: timestamps. (The base of records that belong to a municipality is
`sasaeai.org.models.MunicipalityOwned`: it points to a municipality, which core knows nothing of.)"""

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        abstract = True
