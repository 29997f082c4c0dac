"""Runs the matching evaluation: needs profiles against resources, with each profile's rank of
its first acceptable place, then hit@3 and MRR; and search queries, with precision@5 and recall.

    python bench/matching_eval/run.py                 # the old set (profiles.py, demo places)
    python bench/matching_eval/run.py --set tuning    # + tuning_places.toml, tuning_profiles.py,
                                                      #   tuning_queries.py
    python bench/matching_eval/run.py --set heldout --heldout-dir DIR
                                                      # + tuning places and DIR's held-out files
    python bench/matching_eval/run.py --verbose       # with the top three and their reasons

Sets:
- old: profiles.py against the Musashino demo resources (sasaeai/resources/data/demo_places.toml);
- tuning: the demo resources and tuning_places.toml (same format), tuning_profiles.py (PROFILES)
  and tuning_queries.py (QUERIES);
- heldout: the demo and tuning resources and, from --heldout-dir (default
  bench/matching_eval/heldout/), heldout_places.toml (demo_places.toml format),
  heldout_profiles.json (a JSON list of profile dicts like profiles.py) and heldout_queries.json
  (a JSON list of {"id", "query", "relevant": [keys], "wrong": [keys]}).
Keys are the places' `demo:<key>` external ids without the prefix.

For a query, the staff search (resources.selectors.service_search, as the tier-1 coordinator)
gives the results in their order: precision@5 is the share of the first five results that are
not in `wrong` (1 when there are none), recall the share of `relevant` found in all results.

Set MATCHING_EVAL_DATABASE_URL to use another (empty) database, e.g. PostgreSQL. The demo
organisation, logins and resources are loaded with the demo's own code; the date is fixed so
that schedules give the same answer every day. Exit status 1 if a seed story does not put an
acceptable place first or hit@3 is below the target.
"""

import argparse
import datetime as dt
import importlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
TODAY = dt.date(2025, 6, 2)  # a Monday
TARGET_HIT_AT_3 = 0.9
SETS = ("old", "tuning", "heldout")


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


def _load_places(municipality, path: Path) -> None:
    """Loads a file in demo_places.toml's format with the demo's own code (keys demo:<key>)."""
    from django.utils import timezone

    from sasaeai.accounts.models import User
    from sasaeai.org.models import Town
    from sasaeai.resources import demo
    from sasaeai.resources.models import Category, Service, TargetGroup

    existing = set(
        Service.objects.filter(municipality=municipality).values_list("external_id", flat=True)
    )
    writer = User.objects.get(username="tier1", municipality=municipality)
    categories = {c.code: c for c in Category.objects.all()}
    targets = {t.code: t for t in TargetGroup.objects.all()}
    towns = {t.name: t for t in Town.objects.filter(municipality=municipality)}
    offset = Service.objects.filter(municipality=municipality).count()
    for index, place in enumerate(demo.read_places(path), start=offset + 1):
        external_id = f"demo:{place['key']}"
        if external_id in existing:
            raise SystemExit(f"{path.name}: the key {place['key']!r} is already loaded")
        demo._load_place(
            municipality=municipality,
            place=place,
            index=index,
            external_id=external_id,
            writer=writer,
            tier2_by_area={},
            categories=categories,
            targets=targets,
            towns=towns,
            today=timezone.localdate(),
        )


def _load(set_name: str, heldout_dir: Path):
    """(municipality, profiles, queries) of a set, its resources loaded."""
    from sasaeai.accounts import demo as accounts_demo
    from sasaeai.org import demo as org_demo
    from sasaeai.resources import demo as resources_demo

    municipality = org_demo.load()
    accounts_demo.load(municipality)
    resources_demo.load(municipality)
    if set_name == "old":
        from bench.matching_eval.profiles import PROFILES

        return municipality, PROFILES, []
    _load_places(municipality, HERE / "tuning_places.toml")
    if set_name == "tuning":
        profiles = importlib.import_module("bench.matching_eval.tuning_profiles").PROFILES
        queries = importlib.import_module("bench.matching_eval.tuning_queries").QUERIES
        return municipality, profiles, queries
    _load_places(municipality, heldout_dir / "heldout_places.toml")
    profiles = json.loads((heldout_dir / "heldout_profiles.json").read_text(encoding="utf-8"))
    queries = json.loads((heldout_dir / "heldout_queries.json").read_text(encoding="utf-8"))
    return municipality, profiles, queries


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
        # The story as the coordinator heard it, and the person's own words.
        notes="\n".join(t for t in (spec.get("story", ""), spec.get("notes", "")) if t),
        wishes=set(spec.get("wishes", [])),
        is_carer=spec.get("is_carer", False),
        memory_concern=spec.get("memory_concern", False),
        constraints=spec.get("constraints", ""),
    )


def _keys(municipality) -> dict[int, str]:
    from sasaeai.resources.models import Service

    return {
        pk: external_id.removeprefix("demo:")
        for pk, external_id in Service.objects.filter(municipality=municipality).values_list(
            "pk", "external_id"
        )
    }


def evaluate_profiles(municipality, profiles: list[dict], *, verbose: bool = False) -> dict:
    from sasaeai.cases.matching import match

    keys = _keys(municipality)
    known = set(keys.values())
    missing = {key for spec in profiles for key in spec["acceptable"] if key not in known}
    if missing:
        raise SystemExit(f"acceptable places missing from the resources: {sorted(missing)}")
    rows = []
    timings = []
    for spec in profiles:
        started = time.perf_counter()
        result = match(_profile(municipality, spec), limit=10, today=TODAY)
        timings.append(time.perf_counter() - started)
        ranked = [keys[s.service.pk] for s in result.suggestions]
        rank = next((i + 1 for i, key in enumerate(ranked) if key in spec["acceptable"]), None)
        wrong = [key for key in ranked[:3] if key in spec.get("unacceptable", [])]
        rows.append((spec, rank, result, wrong))
    if not rows:
        return {"profiles": 0}
    hits = sum(1 for _, rank, _, _ in rows if rank is not None and rank <= 3)
    mrr = sum(1 / rank for _, rank, _, _ in rows if rank is not None) / len(rows)
    for spec, rank, result, wrong in rows:
        shown = "—" if rank is None else str(rank)
        print(f"{spec['id']:<18} rank {shown:>2}  acceptable: {', '.join(spec['acceptable'])}")
        if wrong:
            print(f"    unacceptable in the first three: {', '.join(wrong)}")
        if verbose or rank is None or rank > 3 or wrong:
            for s in result.suggestions[:3]:
                print(
                    f"    {s.score:>3} {keys[s.service.pk]} {s.service.name}: "
                    f"{' / '.join(s.reasons)}"
                )
    seeds_first = all(rank == 1 for spec, rank, _, _ in rows if spec["id"].startswith("seed-"))
    timings.sort()
    return {
        "profiles": len(rows),
        "hit_at_3": hits / len(rows),
        "mrr": mrr,
        "unacceptable_at_3": sum(1 for *_, wrong in rows if wrong),
        "seed_stories_first": seeds_first,
        "p95_ms": timings[int(0.95 * (len(timings) - 1))] * 1000,
    }


def evaluate_queries(municipality, queries: list[dict], *, verbose: bool = False) -> dict:
    from sasaeai.accounts.models import User
    from sasaeai.resources.selectors import service_search

    if not queries:
        return {"queries": 0}
    keys = _keys(municipality)
    user = User.objects.get(username="tier1", municipality=municipality)
    precisions, recalls = [], []
    for spec in queries:
        ids = list(
            service_search(user=user, text=spec["query"]).queryset.values_list("pk", flat=True)
        )
        found = [keys.get(pk, "") for pk in ids]
        first = found[:5]
        wrong = set(spec.get("wrong", []))
        relevant = set(spec.get("relevant", []))
        precision = (sum(1 for key in first if key not in wrong) / len(first)) if first else 1.0
        recall = (len(relevant & set(found)) / len(relevant)) if relevant else 1.0
        precisions.append(precision)
        recalls.append(recall)
        flag = "" if precision >= 1 and recall >= 1 else "  <"
        print(
            f"{spec['id']:<18} {spec['query']!r:<16} p@5 {precision:.2f}  recall {recall:.2f}"
            f"  ({len(found)} results){flag}"
        )
        if verbose or precision < 1 or recall < 1:
            print(f"    first five: {', '.join(first)}")
            if relevant - set(found):
                print(f"    relevant not found: {', '.join(sorted(relevant - set(found)))}")
    return {
        "queries": len(queries),
        "precision_at_5": sum(precisions) / len(precisions),
        "recall": sum(recalls) / len(recalls),
    }


def evaluate(
    *, set_name: str = "old", heldout_dir: Path | None = None, verbose: bool = False
) -> dict:
    municipality, profiles, queries = _load(set_name, heldout_dir or HERE / "heldout")
    summary = evaluate_profiles(municipality, profiles, verbose=verbose)
    summary.update(evaluate_queries(municipality, queries, verbose=verbose))
    print()
    print(f"set: {set_name}")
    if summary["profiles"]:
        print(f"profiles: {summary['profiles']}")
        print(f"hit@3: {summary['hit_at_3']:.3f}  (target ≥ {TARGET_HIT_AT_3})")
        print(f"MRR: {summary['mrr']:.3f}")
        print(
            f"profiles with an unacceptable place in the first three: {summary['unacceptable_at_3']}"
        )
        seeds = "yes" if summary["seed_stories_first"] else "NO"
        print(f"seed stories put an acceptable place first: {seeds}")
        print(f"time per match (p95): {summary['p95_ms']:.0f} ms")
    if summary["queries"]:
        print(f"queries: {summary['queries']}")
        print(f"search precision@5: {summary['precision_at_5']:.3f}")
        print(f"search recall: {summary['recall']:.3f}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=SETS, default="old", help="which set to run")
    parser.add_argument(
        "--heldout-dir",
        type=Path,
        default=HERE / "heldout",
        help="where the held-out files are (heldout set only)",
    )
    parser.add_argument("--verbose", action="store_true", help="show the top three of each")
    args = parser.parse_args()
    _setup(os.environ.get("MATCHING_EVAL_DATABASE_URL"))
    summary = evaluate(set_name=args.set, heldout_dir=args.heldout_dir, verbose=args.verbose)
    ok = not summary["profiles"] or (
        summary["seed_stories_first"] and summary["hit_at_3"] >= TARGET_HIT_AT_3
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
