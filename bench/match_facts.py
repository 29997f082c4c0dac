"""Matching right after the resources changed (issue 6): what the in-memory facts cost to read.

    python -m bench.match_facts [--backend sqlite|postgres] [--size prefecture] [--rounds 20]

Each process keeps a copy of a municipality's facts while the municipality's version tokens
stay the same (sasaeai/cases/facts.py); `bench.run --only match` measures matching through
the API with the copy current, as nearly every request finds it. This one measures, in one
process on a working copy of the dataset (Musashino's 2,000 services among the size's), the
bench's five match profiles:
- current: `matching.match` with the copy current;
- after a write: one of the municipality's services updated (a queryset update, which changes
  the version through the triggers), then `matching.match`, which reads the facts again (the
  write itself is not timed);
- facts read: `facts.read_facts` alone.
Prints a table and one line of JSON (milliseconds).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from bench import generate
from bench.measure import drop_working_copy, working_copy


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="マッチング: 社会資源の変更直後の計測")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--size", default="prefecture", choices=["city", "prefecture", "stress"])
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--rounds", type=int, default=20, help="プロフィールごとの回数")
    args = parser.parse_args(argv)

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=args.seed)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="facts")
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    try:
        figures = _measure(args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="facts")
    figures.update(backend=args.backend, size=args.size)
    print(f"マッチング（{args.backend}, {args.size}, 武蔵野市 {figures['services']:,} 件）")
    print("| 計測 | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for key, label in (
        ("current", "版が同じ（コピーを使う）"),
        ("after_write", "社会資源の変更直後（読み直す）"),
        ("read", "事実の読み込みだけ"),
    ):
        print(f"| {label} | {figures[key]['p50']:.1f} | {figures[key]['p95']:.1f} |")
    print(f"変更直後 / 通常（p50）: {figures['ratio_p50']:.1f}×")
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def _measure(rounds: int) -> dict:
    from bench.operations import MATCH_PROFILES
    from sasaeai.accounts.models import User
    from sasaeai.cases import facts, matching
    from sasaeai.cases.profiles import profile_from_input
    from sasaeai.resources.models import Service

    municipality = User.objects.get(username="tier1").municipality
    profiles = [profile_from_input(municipality=municipality, **spec) for spec in MATCH_PROFILES]
    some_service = (
        Service.objects.filter(municipality=municipality, status=Service.Status.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    times: dict[str, list[float]] = {"current": [], "after_write": [], "read": []}
    for profile in profiles:  # warm the process (imports, the interest vocabulary)
        matching.match(profile, limit=10)
    for _ in range(rounds):
        for profile in profiles:
            started = time.perf_counter()
            matching.match(profile, limit=10)
            times["current"].append(time.perf_counter() - started)

            Service.objects.filter(pk=some_service).update(welcomes_volunteers=True)
            started = time.perf_counter()
            matching.match(profile, limit=10)
            times["after_write"].append(time.perf_counter() - started)
        started = time.perf_counter()
        read = facts.read_facts(municipality.pk, facts.version_key(municipality.pk))
        times["read"].append(time.perf_counter() - started)
    figures: dict = {"services": len(read.rows), "rounds": rounds}
    for key, values in times.items():
        ms = [v * 1000 for v in values]
        figures[key] = {
            "p50": round(statistics.median(ms), 2),
            "p95": round(_percentile(ms, 0.95), 2),
            "n": len(ms),
        }
    figures["ratio_p50"] = round(figures["after_write"]["p50"] / figures["current"]["p50"], 2)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
