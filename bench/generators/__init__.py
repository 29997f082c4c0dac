"""Generators of synthetic data, one module per app, run in dependency order.

Each module has `MODELS` (the model labels it writes; it runs only when they all exist in the
code) and `generate(ctx)`. The source files whose behaviour ends up in the data are listed in
bench.generate.KEY_SOURCES (the dataset's cache key).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

from bench.loader import BulkWriter
from bench.sizes import Size

MODULES = ["org", "accounts", "resources", "activities", "cases"]


@dataclass
class Place:
    """A municipality as the generators see it."""

    id: int
    code: str
    name: str
    lat: float
    lon: float
    weight: float
    area_ids: list[int] = field(default_factory=list)
    # (town id, area id, name, reading, lat, lon, [(block id, number, lat, lon)])
    towns: list[tuple] = field(default_factory=list)
    # Coordinators: (user id, role, [area ids])
    coordinators: list[tuple[int, str, list[int]]] = field(default_factory=list)
    share: dict[str, int] = field(default_factory=dict)
    home: bool = False


@dataclass
class Context:
    size: Size
    seed: int
    rng: random.Random
    writer: BulkWriter
    progress: bool = True
    places: list[Place] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Ids other generators need: services per municipality, etc.
    registry: dict[str, object] = field(default_factory=dict)

    @property
    def home(self) -> Place:
        return self.places[0]

    def split(self, key: str, total: int, home_total: int) -> None:
        """Shares `total` rows between the municipalities: the home city gets `home_total`, the
        others share the rest in proportion to their weight (population)."""
        others = self.places[1:]
        self.home.share[key] = home_total if others else total
        rest = total - self.home.share[key]
        weight = sum(p.weight for p in others) or 1
        given = 0
        for index, place in enumerate(others):
            if index == len(others) - 1:
                place.share[key] = rest - given
            else:
                place.share[key] = round(rest * place.weight / weight)
                given += place.share[key]


def model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def available_modules() -> list[tuple[str, object, bool]]:
    """(name, module, whether its models exist) for every generator module."""
    out = []
    for name in MODULES:
        module = import_module(f"bench.generators.{name}")
        out.append((name, module, all(model_exists(m) for m in module.MODELS)))
    return out
