"""Keeping derived columns true when another app changes what they are derived from: a town
moved to another area moves its services and locations with it (the area filters read the
copy on the service); a place's changes reach the search documents of its services; the search
index's filter facts follow every save of a service, its
schedules, categories and target groups, whoever saves them (forms, the admin, the shell,
factories; bulk writers call search.refresh_facts themselves). Also re-creates the SQLite
search triggers if a table rebuild dropped them (Django rebuilds SQLite tables on some schema
changes)."""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from sasaeai.org.models import Town

from .models import Location, Schedule, Service
from .search import refresh_documents, refresh_facts


@receiver(post_save, sender=Town)
def town_area_follows(sender, instance: Town, **kwargs) -> None:
    Location.objects.filter(town=instance).exclude(area_id=instance.area_id).update(
        area_id=instance.area_id
    )
    moved = list(
        Service.objects.filter(town=instance)
        .exclude(area_id=instance.area_id)
        .values_list("pk", flat=True)
    )
    if moved:
        Service.objects.filter(pk__in=moved).update(area_id=instance.area_id)
        refresh_facts(moved)


@receiver(post_save, sender=Location)
def location_documents_follow(
    sender, instance: Location, raw: bool = False, created: bool = False, **kwargs
) -> None:
    """The services held at a place are found by it: a place that becomes a private home
    leaves the public search document at once, whoever saves it (the admin site, the shell)."""
    if raw or created:
        return
    ids = list(Service.objects.filter(location=instance).values_list("pk", flat=True))
    if ids:
        refresh_documents(ids)


@receiver(post_save, sender=Service)
def service_facts_follow(sender, instance: Service, raw: bool = False, **kwargs) -> None:
    if not raw:
        refresh_facts([instance.pk])


@receiver(post_save, sender=Schedule)
@receiver(post_delete, sender=Schedule)
def schedule_facts_follow(sender, instance: Schedule, raw: bool = False, **kwargs) -> None:
    if not raw and instance.service_id:
        refresh_facts([instance.service_id])


@receiver(m2m_changed, sender=Service.categories.through)
@receiver(m2m_changed, sender=Service.target_groups.through)
def links_facts_follow(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        refresh_facts([instance.pk])
    elif pk_set:
        refresh_facts(pk_set)


@receiver(post_migrate)
def ensure_sqlite_search_triggers(sender, using="default", **kwargs) -> None:
    if sender.name != "sasaeai.resources":
        return
    from django.db import connections

    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    from . import search_rows, versioning
    from .search_index import sqlite_ensure

    sqlite_ensure(conn)
    versioning.sqlite_ensure(conn)
    search_rows.sqlite_ensure(conn)
