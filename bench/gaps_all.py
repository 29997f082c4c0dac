"""The gap analysis for every municipality of a dataset, one after another: what the whole
prefecture (about 600 towns, 100,000 places) costs, beside the per-request figures of the
`gap_page` and `gap_api` operations (which measure one municipality's analysis).

    python -m bench.gaps_all --size prefecture [--backend sqlite|postgres] [--runs 2]

On a working copy of the cached dataset (dropped afterwards): each municipality first gets the
demo's invented population (labelled demo, as `bench/operations.py` does for the one measured),
then the analysis at 500 m is timed, wall and CPU, per municipality and in total.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

from bench import generate
from bench.sizes import SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="全市区町村の空白地域の分析を順に計測します。")
    parser.add_argument("--size", default="prefecture", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="gaps")
    try:
        return _measure(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="gaps")


def _measure(args, url: str) -> int:
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from sasaeai.org.models import Municipality, Town
    from sasaeai.participation import demo, services
    from sasaeai.participation.gaps import gap_analysis
    from sasaeai.participation.models import PopulationDataset
    from sasaeai.resources.models import Service

    municipalities = list(Municipality.objects.order_by("code"))
    for municipality in municipalities:
        if not PopulationDataset.objects.filter(municipality=municipality).exists():
            services.population_import(
                municipality=municipality,
                as_of=demo.AS_OF,
                reading=demo._reading(municipality),
                source_name=demo.SOURCE,
                user=None,
                is_demo=True,
            )
    print(
        f"{args.size} ({args.backend}): {len(municipalities)} municipalities, "
        f"{Town.objects.count():,} towns, {Service.objects.count():,} services"
    )
    for run in range(args.runs):
        wall, cpu = time.perf_counter(), time.process_time()
        each, units, places = [], 0, 0
        for municipality in municipalities:
            started = time.perf_counter()
            analysis = gap_analysis(municipality=municipality, walk_m=500)
            each.append((time.perf_counter() - started) * 1000)
            units += len(analysis.rows)
            places += len(analysis.places)
        print(
            f"run {run + 1}: all municipalities {time.perf_counter() - wall:.2f} s "
            f"(CPU {time.process_time() - cpu:.2f} s); {units:,} units, {places:,} weekly places; "
            f"per municipality median {statistics.median(each):.0f} ms, max {max(each):.0f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
