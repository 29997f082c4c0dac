"""Municipalities, areas, towns, town blocks and support centres.

Musashino comes from the demo (its real towns and blocks); the other municipalities are the real
municipalities of Tokyo with areas named after a town of theirs and towns taken from the common
town names of Tokyo. Beyond Tokyo's 61 (the `national` sizes host 300) the next municipalities
come from the shipped gazetteer, prefecture by prefecture around Tokyo (神奈川, 埼玉, 千葉, 茨城,
栃木, 群馬): real codes, names and readings, placed at the mean of their towns' points, weighted
by their number of towns (the gazetteer has no population; a town count is the closest proxy it
holds)."""

from __future__ import annotations

from bench.sizes import HOME_CODE
from bench.vocabulary import TOKYO_MUNICIPALITIES, TOWN_NAMES
from sasaeai.org.models import Area, Municipality, SupportCenter, Town, TownBlock
from sasaeai.org.validators import local_government_check_digit

from . import Context, Place

MODELS = ["org.Municipality", "org.Area", "org.Town", "org.TownBlock", "org.SupportCenter"]

MUSASHINO_POPULATION = 148  # thousands


def _home_place() -> Place:
    municipality = Municipality.objects.get(code=HOME_CODE)
    towns = []
    for town in Town.objects.filter(municipality=municipality).prefetch_related("blocks"):
        blocks = [
            (b.id, b.number, float(b.latitude), float(b.longitude)) for b in town.blocks.all()
        ]
        towns.append(
            (
                town.id,
                town.area_id,
                town.name,
                town.name_kana,
                float(town.latitude),
                float(town.longitude),
                blocks,
            )
        )
    lat = sum(t[4] for t in towns) / len(towns)
    lon = sum(t[5] for t in towns) / len(towns)
    return Place(
        id=municipality.id,
        code=municipality.code,
        name=municipality.name,
        lat=lat,
        lon=lon,
        weight=MUSASHINO_POPULATION,
        area_ids=list(Area.objects.filter(municipality=municipality).values_list("id", flat=True)),
        towns=towns,
        home=True,
    )


# The prefectures whose municipalities follow Tokyo's when a size hosts more than 61.
NEIGHBOUR_PREFECTURES = ("14", "11", "12", "08", "09", "10")


def other_municipalities(count: int) -> list[tuple[str, str, str, float, float, float]]:
    """`count` municipalities besides Musashino: (5-digit code, name, kana, lat, lon, weight)."""
    others = list(TOKYO_MUNICIPALITIES[:count])
    if len(others) >= count:
        return others
    from sasaeai.org import gazetteer

    for prefecture in NEIGHBOUR_PREFECTURES:
        entries = [
            m
            for m in gazetteer._municipalities().values()
            if m.code.startswith(prefecture) and not m.is_ward
        ]
        for entry in entries:
            points = [
                (float(t.latitude), float(t.longitude))
                for t in gazetteer.towns_of(entry.code)
                if t.latitude is not None
            ]
            if not points:
                continue
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
            weight = max(1, min(400, len(points)))
            others.append(
                (entry.code[:5], entry.name, entry.kana, round(lat, 3), round(lon, 3), weight)
            )
            if len(others) >= count:
                return others
    raise ValueError(f"{count} municipalities requested; the gazetteer list ran out")


def generate(ctx: Context) -> None:
    ctx.places.append(_home_place())
    others = other_municipalities(ctx.size.municipalities - 1)
    if not others:
        return
    rng = ctx.rng
    writer = ctx.writer
    muni_id = writer.next_id(Municipality)
    area_id = writer.next_id(Area)
    town_id = writer.next_id(Town)
    block_id = writer.next_id(TownBlock)
    municipalities, areas, towns, blocks, centers = [], [], [], [], []
    for code5, name, kana, lat, lon, population in others:
        code = code5 + str(local_government_check_digit(code5))
        place = Place(id=muni_id, code=code, name=name, lat=lat, lon=lon, weight=population)
        municipalities.append({"id": muni_id, "code": code, "name": name, "name_kana": kana})
        town_count = max(4, min(30, round(population / 25)))
        area_count = max(1, min(12, round(population / 70)))
        chosen = rng.sample(TOWN_NAMES, town_count)
        per_area = -(-town_count // area_count)
        for a in range(area_count):
            group = chosen[a * per_area : (a + 1) * per_area]
            if not group:
                break
            area_name = f"{group[0][0]}地区"
            areas.append(
                {
                    "id": area_id,
                    "municipality_id": muni_id,
                    "name": area_name,
                    "name_kana": f"{group[0][1]}チク",
                    "order": a + 1,
                }
            )
            place.area_ids.append(area_id)
            centers.append(
                {
                    "municipality_id": muni_id,
                    "area_id": area_id,
                    "kind": SupportCenter.Kind.COMMUNITY,
                    "name": f"{name}{area_name}地域包括支援センター",
                }
            )
            for town_name, town_kana in group:
                t_lat = round(lat + rng.uniform(-0.03, 0.03), 6)
                t_lon = round(lon + rng.uniform(-0.035, 0.035), 6)
                postal = f"1{rng.randrange(0, 10**6):06d}"
                towns.append(
                    {
                        "id": town_id,
                        "municipality_id": muni_id,
                        "area_id": area_id,
                        "name": town_name,
                        "name_kana": town_kana,
                        "postal_code": postal,
                        "latitude": _dec(t_lat),
                        "longitude": _dec(t_lon),
                    }
                )
                town_blocks = []
                for number in range(1, rng.randint(1, 6) + 1):
                    b_lat = round(t_lat + rng.uniform(-0.004, 0.004), 6)
                    b_lon = round(t_lon + rng.uniform(-0.004, 0.004), 6)
                    blocks.append(
                        {
                            "id": block_id,
                            "town_id": town_id,
                            "number": number,
                            "postal_code": postal,
                            "latitude": _dec(b_lat),
                            "longitude": _dec(b_lon),
                        }
                    )
                    town_blocks.append((block_id, number, b_lat, b_lon))
                    block_id += 1
                place.towns.append(
                    (town_id, area_id, town_name, town_kana, t_lat, t_lon, town_blocks)
                )
                town_id += 1
            area_id += 1
        centers.append(
            {
                "municipality_id": muni_id,
                "area_id": None,
                "kind": SupportCenter.Kind.CORE,
                "name": f"{name}基幹型地域包括支援センター",
            }
        )
        ctx.places.append(place)
        muni_id += 1
    writer.insert(Municipality, municipalities, desc="市区町村", progress=False)
    writer.insert(Area, areas, desc="圏域", progress=False)
    writer.insert(Town, towns, desc="町", progress=False)
    writer.insert(TownBlock, blocks, desc="丁目", progress=False)
    writer.insert(SupportCenter, centers, desc="支援センター", progress=False)
    ctx.counts["municipalities"] = len(ctx.places)
    ctx.counts["towns"] = sum(len(p.towns) for p in ctx.places)


def _dec(value: float):
    from decimal import Decimal

    return Decimal(f"{value:.6f}")
