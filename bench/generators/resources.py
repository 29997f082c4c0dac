"""Social resources: organizations, locations, services with categories, target groups and
schedules, named and described the way coordinators write them (「桜堤ふれあいサロン」「第2・第4
火曜 10:00〜12:00」). The search columns are filled by the resources app's own indexing code, so
that search is measured on what the application would have stored."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from types import SimpleNamespace as NS

from tqdm import tqdm

from bench.vocabulary import (
    CATEGORIES,
    COMMON_SENTENCES,
    FAMILY_NAMES,
    ORGANIZATION_PATTERNS,
    PLACE_PATTERNS,
    SCHEDULE_PATTERNS,
    SERVICE_KINDS,
    SOFT_WORDS,
    TARGET_GROUPS,
)
from sasaeai.org.models import Area
from sasaeai.resources.models import (
    Category,
    Location,
    Organization,
    Schedule,
    Service,
    Source,
    TargetGroup,
)

from . import Context, Place

MODELS = [
    "resources.Category",
    "resources.TargetGroup",
    "resources.Organization",
    "resources.Location",
    "resources.Service",
    "resources.Schedule",
]

FLUSH_EVERY = 20_000
TODAY = dt.date(2026, 3, 31)


def _taxonomy() -> tuple[dict[str, Category], dict[str, TargetGroup]]:
    categories = {c.code: c for c in Category.objects.select_related("parent")}
    if not any(code in categories for code, *_ in CATEGORIES):
        for order, (code, name, kana, parent) in enumerate(CATEGORIES):
            Category.objects.create(
                code=code,
                name=name,
                name_kana=kana,
                order=order,
                parent=Category.objects.get(code=parent) if parent else None,
            )
        categories = {c.code: c for c in Category.objects.select_related("parent")}
    targets = {t.code: t for t in TargetGroup.objects.all()}
    if not targets:
        for order, (code, name) in enumerate(TARGET_GROUPS):
            TargetGroup.objects.create(code=code, name=name, order=order)
        targets = {t.code: t for t in TargetGroup.objects.all()}
    return categories, targets


def _document_function():
    """The app's own search document builder, with readings memoised for the bulk run."""
    try:
        from sasaeai.resources import search
    except ImportError:
        search = None
    if search is not None and hasattr(search, "search_document"):
        return _plain_document_function(search)
    if search is None or not hasattr(search, "service_document"):
        from sasaeai.core.text import search_key

        def document(service) -> dict:
            parts = [service.name, service.name_kana, service.description]
            return {
                "search_name": search_key(f"{service.name} {service.name_kana}"),
                "search_text": " ".join(search_key(p) for p in parts if p),
            }

        return document, None
    # Names, towns, categories and organisations repeat: memoise the folding and the readings.
    originals = {name: getattr(search, name, None) for name in ("reading", "normalize", "chars_of")}
    search.reading = functools.lru_cache(maxsize=200_000)(search.reading)
    search.normalize = functools.lru_cache(maxsize=200_000)(search.normalize)
    # The one-character index text, built in C rather than a generator; used only when it
    # gives exactly what the app's own function gives.
    if hasattr(search, "chars_of"):

        def chars_of(text: str) -> str:
            return " ".join("".join(text.split()))

        samples = ["桜堤 ふれあい　サロン\tｶﾗｵｹ", "カフェ  (100円)\n", "", " a "]
        if all(chars_of(t) == originals["chars_of"](t) for t in samples):
            search.chars_of = chars_of

    def document(service) -> dict:
        doc = search.service_document(service)
        return {
            "search_name": doc.search_name,
            "search_text": doc.search_text,
            "search_chars": getattr(doc, "search_chars", ""),
            "name_reading": doc.name_reading,
        }

    def restore() -> None:
        for name, function in originals.items():
            if function is not None:
                setattr(search, name, function)

    return document, restore


def _plain_document_function(search):
    """The app's document builder of plain values (search.search_document), with the folding
    and the readings memoised for the bulk run (names, towns, categories and organisations
    repeat)."""
    memoised = ("reading", "search_key", "bounded_reading", "bounded_kana")
    originals = {name: getattr(search, name) for name in memoised}
    for name in memoised:
        setattr(search, name, functools.lru_cache(maxsize=200_000)(originals[name]))

    def document(service) -> dict:
        organization, location = service.organization, service.location
        categories: list[str] = []
        category_kana: list[tuple[str, str]] = []
        for category in service.categories.all():
            categories.append(category.name)
            category_kana.append((category.name, category.name_kana))
            if category.parent_id:
                categories.append(category.parent.name)
        values = search.DocumentValues(
            name=service.name,
            name_kana=service.name_kana,
            alternate_name=service.alternate_name,
            description=service.description,
            organization=organization.name if organization else "",
            organization_kana=organization.name_kana if organization else "",
            categories=tuple(categories),
            category_kana=tuple(category_kana),
            target_groups=tuple((t.name, t.public_label) for t in service.target_groups.all()),
            place_name=location.name,
            address=location.address,
            address_2=location.address_2,
            is_private_home=location.is_private_home,
            town=location.town.name,
            town_kana=location.town.name_kana,
            area=location.area.name if location.area else "",
            area_kana=location.area.name_kana if location.area else "",
        )
        return search.search_document(values).columns()

    def restore() -> None:
        for name, function in originals.items():
            setattr(search, name, function)

    return document, restore


def _weekday_mask_function():
    try:
        from sasaeai.resources.schedules import weekday_mask
    except ImportError:
        weekday_mask = None
    if weekday_mask is not None:
        return weekday_mask
    codes = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    def mask(schedule) -> int:
        if schedule.freq == "DAILY":
            return 127
        if schedule.freq == "IRREGULAR":
            return 0
        value = 0
        for item in filter(None, schedule.byday.split(",")):
            value |= 1 << codes.index(item[-2:])
        return value or (127 if schedule.bymonthday else 0)

    return mask


class _Many:
    """Stands in for a many-to-many manager: `.all()` gives the chosen rows."""

    def __init__(self, items: list) -> None:
        self.items = items

    def all(self) -> list:
        return self.items


class _Buffers:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.organizations: list[dict] = []
        self.locations: list[dict] = []
        self.services: list[dict] = []
        self.schedules: list[dict] = []
        self.categories: list[dict] = []
        self.targets: list[dict] = []

    def flush(self, ctx: Context) -> None:
        w = ctx.writer
        w.insert(Organization, self.organizations, progress=False)
        w.insert(Location, self.locations, progress=False)
        w.insert(Service, self.services, progress=False)
        w.insert(Schedule, self.schedules, progress=False)
        w.insert(Service.categories.through, self.categories, progress=False)
        w.insert(Service.target_groups.through, self.targets, progress=False)
        self.clear()


def generate(ctx: Context) -> None:
    ctx.split("services", ctx.size.services, ctx.size.home_services)
    factory = _ServiceFactory(ctx)
    bar = tqdm(
        total=ctx.size.services,
        desc="社会資源",
        unit="件",
        unit_scale=True,
        disable=not ctx.progress,
        leave=False,
        mininterval=0.5,
    )
    service_ids: dict[int, tuple[int, int]] = {}
    tables = [Organization, Location, Service, Schedule]
    tables += [Service.categories.through, Service.target_groups.through]
    try:
        with ctx.writer.triggers_suspended(Service), ctx.writer.indexes_deferred(*tables):
            for place in ctx.places:
                first = factory.ids["service"]
                factory.place(place, bar)
                service_ids[place.id] = (first, factory.ids["service"] - 1)
            factory.buffers.flush(ctx)
    finally:
        bar.close()
        factory.close()
    ctx.registry["service_ids"] = service_ids
    ctx.registry["services_by_area"] = factory.by_area
    ctx.counts["services"] = Service.objects.count()
    ctx.counts["schedules"] = Schedule.objects.count()


class _ServiceFactory:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.categories, self.targets = _taxonomy()
        self.operator_types = {
            c.code: c.id for c in self.categories.values() if c.axis == "operator"
        }
        self.place_types = {c.code: c.id for c in self.categories.values() if c.axis == "place"}
        self.document, self._restore = _document_function()
        self.weekday_mask = _weekday_mask_function()
        # The filter facts of the search index (an application without them leaves them out).
        try:
            from sasaeai.resources.search import facts_of
        except ImportError:
            facts_of = None
        self.facts_of = facts_of
        self.area_objects = {
            a["id"]: NS(**a) for a in Area.objects.values("id", "name", "name_kana")
        }
        self.ids = {
            "organization": ctx.writer.next_id(Organization),
            "location": ctx.writer.next_id(Location),
            "service": ctx.writer.next_id(Service),
        }
        self.kind_weights = [k["weight"] for k in SERVICE_KINDS]
        self.buffers = _Buffers()
        # Active services of each area, for the visits and referrals of later generators.
        self.by_area: dict[int, list[int]] = {}

    def close(self) -> None:
        if self._restore:
            self._restore()

    def place(self, place: Place, bar) -> None:
        ctx = self.ctx
        buffers = self.buffers
        ids = self.ids
        categories, targets = self.categories, self.targets
        operator_types, place_types = self.operator_types, self.place_types
        area_objects = self.area_objects
        document, weekday_mask = self.document, self.weekday_mask
        facts_of = self.facts_of
        kinds, kind_weights = SERVICE_KINDS, self.kind_weights
        rng = ctx.rng
        count = place.share["services"]
        town_objects = {t[0]: NS(id=t[0], name=t[2], name_kana=t[3]) for t in place.towns}
        organizations: list[tuple[int, NS]] = []
        confirmers = [c[0] for c in place.coordinators] or [None]
        for _ in range(count):
            town = rng.choice(place.towns)
            soft = rng.choice(SOFT_WORDS)
            kind = rng.choices(kinds, weights=kind_weights)[0]
            pattern, pattern_r, codes = rng.choice(kind["patterns"])
            name = _fill(pattern, town, soft)
            name_kana = _fill(pattern_r, town, soft)

            # Organization: most services have one; an organization runs one to three services.
            organization = None
            if organizations and rng.random() < 0.35:
                organization = rng.choice(organizations[-20:])[1]
            elif rng.random() < 0.9:
                org_soft = rng.choice(SOFT_WORDS)
                o_text, o_reading, o_code = rng.choice(ORGANIZATION_PATTERNS)
                organization = NS(
                    id=ids["organization"],
                    name=_fill(o_text, town, org_soft),
                    name_kana=_fill(o_reading, town, org_soft),
                )
                buffers.organizations.append(
                    {
                        "id": organization.id,
                        "municipality_id": place.id,
                        "name": organization.name,
                        "name_kana": organization.name_kana,
                        "operator_type_id": operator_types.get(o_code),
                        "phone": _phone(rng),
                        "source": Source.IMPORT,
                        "external_id": f"bench-org-{organization.id}",
                    }
                )
                organizations.append((organization.id, organization))
                ids["organization"] += 1

            # Location: a building in the town, at one of its blocks.
            p_text, _reading, p_code = rng.choice(PLACE_PATTERNS)
            blocks = town[6]
            block = rng.choice(blocks) if blocks else None
            lat = (block[2] if block else town[4]) + rng.uniform(-0.0015, 0.0015)
            lon = (block[3] if block else town[5]) + rng.uniform(-0.0015, 0.0015)
            approximate = rng.random() < 0.15
            address = f"東京都{place.name}{town[2]}"
            if block:
                address += f"{block[1]}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
            location = NS(
                id=ids["location"],
                name=_fill(p_text, town, soft),
                address=address,
                address_2="",
                is_private_home=p_code == "place-home",
                town_id=town[0],
                town=town_objects[town[0]],
                area_id=town[1],
                area=area_objects.get(town[1]),
            )
            buffers.locations.append(
                {
                    "id": location.id,
                    "municipality_id": place.id,
                    "name": location.name,
                    "organization_id": organization.id if organization else None,
                    "address": address,
                    "town_id": town[0],
                    "town_block_id": block[0] if block else None,
                    "area_id": town[1],
                    "latitude": Decimal(f"{(town[4] if approximate else lat):.6f}"),
                    "longitude": Decimal(f"{(town[5] if approximate else lon):.6f}"),
                    "is_approximate": approximate,
                    "is_private_home": location.is_private_home,
                    "place_type_id": place_types.get(p_code),
                    "external_id": f"bench-loc-{location.id}",
                }
            )
            ids["location"] += 1

            sentences = rng.sample(
                kind["sentences"], k=min(len(kind["sentences"]), rng.randint(2, 3))
            )
            sentences += rng.sample(COMMON_SENTENCES, k=rng.randint(0, 2))
            if rng.random() < 0.4:
                sentences.insert(1, f"会場は{location.name}です。")
            description = "".join(sentences)

            service_categories = [categories[c] for c in codes.split(",") if c in categories]
            service_targets = [
                targets[c]
                for c in rng.sample(kind["targets"], k=rng.randint(1, len(kind["targets"])))
                if c in targets
            ]
            # What the app's search document builder reads of a service, without building model
            # instances (a tenth of the cost at 100,000 services).
            service = NS(
                id=ids["service"],
                pk=ids["service"],
                name=name,
                name_kana=name_kana,
                alternate_name="",
                description=description,
                organization_id=organization.id if organization else None,
                organization=organization,
                location_id=location.id,
                location=location,
                categories=_Many(service_categories),
                target_groups=_Many(service_targets),
            )
            status = rng.choices(["active", "paused", "closed"], weights=[88, 7, 5])[0]
            consent = rng.random() < 0.7
            free = rng.random() < 0.55
            volunteers = rng.random() < 0.3
            values = {
                "id": service.id,
                "municipality_id": place.id,
                "organization_id": organization.id if organization else None,
                "location_id": location.id,
                "name": name,
                "name_kana": name_kana,
                "description": description,
                "status": status,
                "is_public": consent and rng.random() < 0.85,
                "publication_consent": consent,
                "welcomes_volunteers": volunteers,
                "volunteer_roles": "準備と片付け、お茶出し" if volunteers else "",
                "is_free": free,
                "fee_amount": None if free else rng.choice([100, 200, 300, 500]),
                "capacity": rng.choice([None, 10, 15, 20, 30, 50]),
                "application_required": rng.random() < 0.3,
                "step_free": rng.choice([True, False, None]),
                "accessible_toilet": rng.choice([True, False, None]),
                "has_seating": rng.choice([True, True, None]),
                "contact_name": "".join(rng.choice(FAMILY_NAMES)[0]),
                "contact_phone": _phone(rng),
                "contact_is_public": rng.random() < 0.4,
                "source": rng.choice([Source.IMPORT, Source.SURVEY, Source.STAFF]),
                "external_id": f"bench-{service.id}",
                "confirmed_at": TODAY - dt.timedelta(days=rng.randint(0, 720)),
                "confirmed_by_id": rng.choice(confirmers),
                "town_id": town[0],
                "area_id": town[1],
            }
            values.update(document(service))
            schedules: list[dict] = []
            for freq, byday, bymonthday, opens, closes, holidays in rng.sample(
                SCHEDULE_PATTERNS, k=1 if rng.random() < 0.85 else 2
            ):
                schedule = NS(
                    freq=freq,
                    interval=1,
                    byday=byday,
                    bymonthday=bymonthday,
                    valid_from=None,
                    valid_to=None,
                    closed_on_holidays=holidays,
                    closed_year_end=False,
                )
                schedules.append(
                    {
                        "service_id": service.id,
                        "freq": freq,
                        "interval": 1,
                        "byday": byday,
                        "bymonthday": bymonthday,
                        "opens_at": dt.time.fromisoformat(opens) if opens else None,
                        "closes_at": dt.time.fromisoformat(closes) if closes else None,
                        "closed_on_holidays": holidays,
                        "note": "日程は月ごとにチラシでお知らせします。"
                        if freq == "IRREGULAR"
                        else "",
                        "weekday_mask": weekday_mask(schedule),
                    }
                )
            if facts_of is not None:
                values["search_facts"] = facts_of(
                    municipality_id=place.id,
                    area_id=town[1],
                    town_id=town[0],
                    status=status,
                    is_free=free,
                    welcomes_volunteers=volunteers,
                    is_public=values["is_public"],
                    publication_consent=consent,
                    category_ids=[c.id for c in service_categories],
                    target_ids=[t.id for t in service_targets],
                    schedules=[(x["weekday_mask"], x["opens_at"]) for x in schedules],
                )
            buffers.schedules.extend(schedules)
            if status == "active":
                self.by_area.setdefault(town[1], []).append(service.id)
            buffers.services.append(values)
            for category in service_categories:
                buffers.categories.append({"service_id": service.id, "category_id": category.id})
            for target in service_targets:
                buffers.targets.append({"service_id": service.id, "targetgroup_id": target.id})
            ids["service"] += 1
            bar.update(1)
            if len(buffers.services) >= FLUSH_EVERY:
                buffers.flush(ctx)


def _fill(pattern: str, town: tuple, soft: tuple) -> str:
    return (
        pattern.replace("{town_r}", town[3])
        .replace("{soft_r}", soft[1])
        .replace("{town}", town[2])
        .replace("{soft}", soft[0])
    )


def _phone(rng) -> str:
    area_code, middle = rng.choice([("03", 4), ("0422", 2), ("042", 3)])
    return f"{area_code}-{rng.randrange(10 ** (middle - 1), 10**middle)}-{rng.randint(1000, 9999)}"
