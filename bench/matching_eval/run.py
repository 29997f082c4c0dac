"""Runs the matching evaluation: every profile of profiles.py against the Musashino demo
resources, and prints each profile's rank of its first acceptable place, then hit@3 and MRR.

    python bench/matching_eval/run.py            # a fresh SQLite database in a temp folder
    python bench/matching_eval/run.py --verbose  # with the top three and their reasons

Set MATCHING_EVAL_DATABASE_URL to use another (empty) database, e.g. PostgreSQL. The demo
organisation, logins and resources are loaded with the demo's own code; the date is fixed so
that schedules give the same answer every day. Exit status 1 if a seed story does not put an
acceptable place first or hit@3 is below the target.
"""

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 6, 2)  # a Monday
TARGET_HIT_AT_3 = 0.9


def _setup(database_url: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    if database_url is None:
        folder = tempfile.mkdtemp(prefix="matching-eval-")
        database_url = f"sqlite:///{folder}/eval.sqlite3"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _load_demo():
    from sasaeai.accounts import demo as accounts_demo
    from sasaeai.org import demo as org_demo
    from sasaeai.resources import demo as resources_demo

    municipality = org_demo.load()
    accounts_demo.load(municipality)
    resources_demo.load(municipality)
    return municipality


def _profile(municipality, spec: dict):
    from sasaeai.cases.profiles import profile_from_input
    from sasaeai.org.models import Town, TownBlock

    town = Town.objects.get(municipality=municipality, name=spec["town"])
    latitude = longitude = None
    if spec.get("block"):
        block = TownBlock.objects.get(town=town, number=spec["block"])
        latitude, longitude = float(block.latitude), float(block.longitude)
    return profile_from_input(
        municipality=municipality,
        town=town,
        latitude=latitude,
        longitude=longitude,
        age=spec.get("age"),
        sex=spec.get("sex", ""),
        care_level=spec.get("care_level", ""),
        max_walk_m=spec.get("max_walk_m"),
        days=spec.get("days", []),
        time_from=dt.time.fromisoformat(spec["time_from"]) if spec.get("time_from") else None,
        time_to=dt.time.fromisoformat(spec["time_to"]) if spec.get("time_to") else None,
        interests=spec.get("interests", ""),
        role=spec.get("role", "either"),
        notes=spec["story"],
        wishes=set(spec.get("wishes", [])),
        is_carer=spec.get("is_carer", False),
        memory_concern=spec.get("memory_concern", False),
        constraints=spec.get("constraints", ""),
    )


def evaluate(*, verbose: bool = False) -> dict:
    from bench.matching_eval.profiles import PROFILES
    from sasaeai.cases.matching import match
    from sasaeai.resources.models import Service

    municipality = _load_demo()
    keys = {
        pk: external_id.removeprefix("demo:")
        for pk, external_id in Service.objects.filter(municipality=municipality).values_list(
            "pk", "external_id"
        )
    }
    missing = {
        key for spec in PROFILES for key in spec["acceptable"] if key not in set(keys.values())
    }
    if missing:
        raise SystemExit(f"acceptable places missing from the demo resources: {sorted(missing)}")
    rows = []
    timings = []
    for spec in PROFILES:
        started = time.perf_counter()
        result = match(_profile(municipality, spec), limit=10, today=TODAY)
        timings.append(time.perf_counter() - started)
        ranked = [keys[s.service.pk] for s in result.suggestions]
        rank = next((i + 1 for i, key in enumerate(ranked) if key in spec["acceptable"]), None)
        rows.append((spec, rank, result))
    hits = sum(1 for _, rank, _ in rows if rank is not None and rank <= 3)
    mrr = sum(1 / rank for _, rank, _ in rows if rank is not None) / len(rows)
    for spec, rank, result in rows:
        shown = "—" if rank is None else str(rank)
        print(f"{spec['id']:<18} rank {shown:>2}  acceptable: {', '.join(spec['acceptable'])}")
        if verbose or rank is None or rank > 3:
            for s in result.suggestions[:3]:
                print(f"    {s.score:>3} {s.service.name}: {' / '.join(s.reasons)}")
    seeds_first = all(rank == 1 for spec, rank, _ in rows if spec["id"].startswith("seed-"))
    timings.sort()
    summary = {
        "profiles": len(rows),
        "hit_at_3": hits / len(rows),
        "mrr": mrr,
        "seed_stories_first": seeds_first,
        "p95_ms": timings[int(0.95 * (len(timings) - 1))] * 1000,
    }
    print()
    print(f"profiles: {summary['profiles']}")
    print(f"hit@3: {summary['hit_at_3']:.3f}  (target ≥ {TARGET_HIT_AT_3})")
    print(f"MRR: {summary['mrr']:.3f}")
    print(f"seed stories put an acceptable place first: {'yes' if seeds_first else 'NO'}")
    print(f"time per match (demo data, p95): {summary['p95_ms']:.0f} ms")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="show the top three of each")
    args = parser.parse_args()
    _setup(os.environ.get("MATCHING_EVAL_DATABASE_URL"))
    summary = evaluate(verbose=args.verbose)
    ok = summary["seed_stories_first"] and summary["hit_at_3"] >= TARGET_HIT_AT_3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
