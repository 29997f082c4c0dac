"""What an import plan reads once, so that planning costs no query per row: the municipality's
towns, areas, managed lists and existing resources, and addresses placed once per distinct town
and 丁目 (org.addresses.AddressResolver)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, Q

from sasaeai.accounts.models import User
from sasaeai.org.addresses import AddressResolver, Placement, ResolvedAddress
from sasaeai.org.models import Area, Municipality, Town
from sasaeai.resources.models import (
    Category,
    Location,
    Organization,
    Schedule,
    Service,
    TargetGroup,
)

from ..models import ImportTrace
from .folding import address_fold, core_name, fold, phone_digits
from .ids import export_id, is_uuid


class AddressBook:
    """Places addresses with org.addresses.AddressResolver (大字 optional, 丁目 in kanji or
    digits, the nearest town to a good point), once per distinct address."""

    def __init__(self, municipality: Municipality, towns: list[Town]):
        self.municipality = municipality
        self.resolver = AddressResolver(municipality, towns)

    def resolve(self, address: str) -> ResolvedAddress | None:
        return self.resolver.resolve(address)

    def place(self, **kwargs) -> Placement:
        return self.resolver.place(**kwargs)


class ImportContext:
    """The municipality's towns, areas, managed lists and existing resources, loaded once."""

    def __init__(self, *, user: User, municipality: Municipality, source_name: str = ""):
        self.user = user
        self.municipality = municipality
        self.source_name = source_name
        self.towns = list(Town.objects.filter(municipality=municipality).select_related("area"))
        self.towns_by_id = {t.pk: t for t in self.towns}
        self.town_by_name = {fold(t.name): t for t in self.towns}
        self.areas = {a.pk: a for a in Area.objects.filter(municipality=municipality)}
        self.area_by_name = {fold(a.name): a for a in self.areas.values()}
        self.addresses = AddressBook(municipality, self.towns)
        shared = Q(municipality__isnull=True) | Q(municipality=municipality)
        categories = list(Category.objects.filter(shared, is_active=True).select_related("parent"))
        self.categories = {c.pk: c for c in categories}
        self.category_lookup: dict[str, dict[str, Category]] = defaultdict(dict)
        for c in categories:
            lookup = self.category_lookup[c.axis]
            for word in (c.name, c.code, c.survey_label, c.name_kana):
                if word:
                    lookup.setdefault(fold(word), c)
        targets = list(TargetGroup.objects.filter(is_active=True))
        self.target_groups = {t.pk: t for t in targets}
        self.target_lookup: dict[str, TargetGroup] = {}
        for t in targets:
            for word in (t.name, t.public_label, t.code):
                if word:
                    self.target_lookup.setdefault(fold(word), t)
        self.organizations = {}
        for org in Organization.objects.filter(municipality=municipality).order_by("pk"):
            self.organizations.setdefault(fold(org.name), org)
        self.locations: dict[tuple, Location] = {}
        for loc in (
            Location.objects.filter(municipality=municipality)
            .select_related("town", "area", "town_block")
            .order_by("pk")
        ):
            self.locations.setdefault(self.location_key(loc.name, loc.address, loc.town_id), loc)
        self.loaded: dict[int, Service] = {}
        self.blank_service = Service(municipality=municipality)
        self._index_services()

    def _index_services(self) -> None:
        rows = Service.objects.filter(municipality=self.municipality).values_list(
            "pk", "name", "town_id", "external_id", "contact_phone", "location__address"
        )
        self.service_names: dict[int, tuple[str, int | None]] = {}
        self.by_external_id: dict[str, int] = {}
        self.by_name_town: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.by_core_town: dict[tuple[str, int | None], list[int]] = defaultdict(list)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        self.by_phone: dict[str, list[int]] = defaultdict(list)
        self.by_address: dict[str, list[int]] = defaultdict(list)
        self.external_ids: dict[int, str] = {}
        code = self.municipality.code
        for pk, name, town_id, external_id, phone, address in rows.order_by("pk"):
            self.service_names[pk] = (name, town_id)
            self.external_ids[pk] = external_id
            self.by_external_id.setdefault(
                external_id or export_id(municipality_code=code, kind="service", pk=pk), pk
            )
            if external_id and not is_uuid(external_id):
                # what the HSDS export calls it
                self.by_external_id.setdefault(
                    export_id(municipality_code=code, kind="external", pk=external_id),  # type: ignore[arg-type]
                    pk,
                )
            self.by_name_town[(fold(name), town_id)].append(pk)
            self.by_core_town[(core_name(name), town_id)].append(pk)
            self.by_name[fold(name)].append(pk)
            if phone_digits(phone):
                self.by_phone[phone_digits(phone)].append(pk)
            if address:
                self.by_address[address_fold(address, self.municipality)].append(pk)

    def location_key(self, name: str, address: str, town_id: int | None) -> tuple:
        """Where a location is the same: its name and address (and its town, when it has
        neither)."""
        name_key, address_key = fold(name), address_fold(address, self.municipality)
        return (name_key, address_key, None if (name_key or address_key) else town_id)

    def load_services(self, ids: set[int]) -> dict[int, Service]:
        """The existing resources rows refer to, with what comparing them needs."""
        if not ids:
            return {}
        services = (
            Service.objects.filter(pk__in=ids)
            .select_related(
                "organization",
                "organization__operator_type",
                "location",
                "location__town",
                "location__area",
                "location__town_block",
                "location__place_type",
                "town",
            )
            .prefetch_related(
                "categories",
                "target_groups",
                Prefetch("schedules", queryset=Schedule.objects.order_by("pk")),
            )
        )
        loaded = {s.pk: s for s in services}
        traces = dict(
            ImportTrace.objects.filter(service_id__in=ids).values_list("service_id", "values")
        )
        for pk, service in loaded.items():
            service.import_values = traces.get(pk)
        self.loaded.update(loaded)
        return loaded

    def town_name(self, town_id: int | None) -> str:
        town = self.towns_by_id.get(town_id) if town_id else None
        return town.name if town else "（町なし）"
