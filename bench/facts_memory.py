"""What the matching facts cache keeps in a worker's memory, per municipality and in all.

    python -m bench.facts_memory [--backend sqlite|postgres] [--size national_fifth]

Each worker process keeps the resource facts of the municipalities it matched for most recently
(sasaeai/cases/facts.py, at most MATCH_FACTS_MUNICIPALITIES of them). This reads the facts of
every municipality of the dataset into one process, as a worker would if the setting allowed
them all, and measures the Python memory each copy holds (tracemalloc: allocated and still
referenced) and the process's resident set before and after. Prints a summary and one line of
JSON; docs/deployment.md quotes it for the bound per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc

from bench import generate
from bench.sizes import SIZES


def _rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="マッチング用の事実のメモリを市区町村ごとに測ります。"
    )
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--size", default="national_fifth", choices=list(SIZES))
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="facts")
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.db.models import Count

        from sasaeai.cases import facts
        from sasaeai.org.models import Municipality
        from sasaeai.resources.models import Service

        services = dict(
            Service.objects.values("municipality_id")
            .annotate(n=Count("id"))
            .values_list("municipality_id", "n")
        )
        ids = list(Municipality.objects.order_by("id").values_list("id", flat=True))
        settings.MATCH_FACTS_MUNICIPALITIES = len(ids) + 1
        facts.forget()
        facts.category_tables()  # shared tables, read once per process whatever the count
        rss_before = _rss_mib()
        tracemalloc.start()
        per_municipality = []
        started = time.perf_counter()
        for municipality_id in ids:
            before = tracemalloc.get_traced_memory()[0]
            facts.municipality_facts(municipality_id)
            held = tracemalloc.get_traced_memory()[0] - before
            per_municipality.append((municipality_id, services.get(municipality_id, 0), held))
        elapsed = time.perf_counter() - started
        total = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        rss_after = _rss_mib()
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="facts")

    mib = 1024 * 1024
    sizes = [held for _, _, held in per_municipality]
    per_thousand = [
        held / n * 1000 / mib for _, n, held in per_municipality if n >= 200
    ]  # small towns are dominated by fixed parts
    largest = max(per_municipality, key=lambda row: row[2])
    result = {
        "backend": args.backend,
        "size": args.size,
        "municipalities": len(ids),
        "services": sum(services.values()),
        "held_mib_all": round(total / mib, 1),
        "held_mib_median": round(statistics.median(sizes) / mib, 2),
        "held_mib_largest": round(largest[2] / mib, 2),
        "largest_services": largest[1],
        "mib_per_1000_services": round(statistics.median(per_thousand), 2)
        if per_thousand
        else None,
        "rss_before_mib": round(rss_before, 1),
        "rss_after_mib": round(rss_after, 1),
        "read_all_s": round(elapsed, 1),
    }
    print(
        f"{args.size} ({args.backend}): {len(ids)} municipalities, {result['services']:,} services; "
        f"facts of all held {result['held_mib_all']} MiB (tracemalloc), RSS "
        f"{result['rss_before_mib']} → {result['rss_after_mib']} MiB; median per municipality "
        f"{result['held_mib_median']} MiB, largest {result['held_mib_largest']} MiB "
        f"({largest[1]:,} services); {result['mib_per_1000_services']} MiB per 1,000 services; "
        f"read in {elapsed:.1f} s"
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
