"""Keeping derived columns true when another app changes what they are derived from: a town
moved to another area moves its services and locations with it (the area filters read the
copy on the service). Also re-creates the SQLite search triggers if a table rebuild dropped
them (Django rebuilds SQLite tables on some schema changes)."""

from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

from sasaeai.org.models import Town

from .models import Location, Service


@receiver(post_save, sender=Town)
def town_area_follows(sender, instance: Town, **kwargs) -> None:
    Location.objects.filter(town=instance).exclude(area_id=instance.area_id).update(
        area_id=instance.area_id
    )
    Service.objects.filter(town=instance).exclude(area_id=instance.area_id).update(
        area_id=instance.area_id
    )


@receiver(post_migrate)
def ensure_sqlite_search_triggers(sender, using="default", **kwargs) -> None:
    if sender.name != "sasaeai.resources":
        return
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    from .search_index import sqlite_ensure

    sqlite_ensure(conn)
