"""The prefecture-wide search (bench operation `search_regional`) on the narrow search rows
against the same search on the service rows, in one process on one copy of a dataset: the
page of ids and the count of each of the ten variants must be equal, and each path's SQL is
timed (CPU of this process and wall time, `--rounds` runs, alternating) and, with
`--explain`, explained (PostgreSQL: EXPLAIN ANALYZE BUFFERS).

    BENCH_KEEP_DATA=1 python -m bench.search_rows_compare --backend sqlite --size prefecture
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from bench import generate
from bench.sizes import SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="広域検索：検索用の行と社会資源の行の比較")
    parser.add_argument("--size", default="prefecture", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--explain", type=int, default=None, help="この番目の形の実行計画")
    args = parser.parse_args(argv)

    from bench.measure import ROOT, drop_working_copy, working_copy

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="rows")
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    try:
        os.environ.update(env)
        import django

        django.setup()
        return _compare(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="rows")


def _compare(args) -> int:
    from django.db import connection

    from bench.operations import Env, _search_filters, _search_variants
    from sasaeai.resources import selectors

    # Both paths on either backend (SQLite answers from the service rows unless told).
    selectors.SEARCH_ROWS_VENDORS = (connection.vendor,)
    env = Env()
    user = env.user("regional")
    variants = range(len(_search_variants(env)))
    times: dict[str, list[tuple[float, float]]] = {"services": [], "rows": []}
    failures = 0
    for round_ in range(args.rounds):
        for i in variants:
            result = selectors.service_search(
                user=user, filters=_search_filters(env, i, regional=True)
            )
            assert result.rows is not None
            answers = {}
            order = ("services", "rows") if (round_ + i) % 2 else ("rows", "services")
            for path in order:
                queryset = result.queryset if path == "services" else result.rows
                cpu, wall = time.process_time(), time.perf_counter()
                answers[path] = selectors.search_page(queryset, offset=0, limit=20, public=True)
                times[path].append((time.process_time() - cpu, time.perf_counter() - wall))
            if round_ == 0:
                count = answers["rows"][1]
                same = answers["rows"] == answers["services"]
                failures += not same
                print(f"variant {i} {_search_variants(env)[i][0]}: {count} results, same: {same}")
    for path, values in times.items():
        cpu = sorted(v[0] * 1000 for v in values)
        wall = sorted(v[1] * 1000 for v in values)
        p95 = lambda xs: xs[min(len(xs) - 1, int(len(xs) * 0.95))]  # noqa: E731
        print(
            f"{path:8} ({connection.vendor}, {len(values)} calls): cpu p50 "
            f"{statistics.median(cpu):.1f} / p95 {p95(cpu):.1f} ms, wall p50 "
            f"{statistics.median(wall):.1f} / p95 {p95(wall):.1f} ms"
        )
    if args.explain is not None:
        _explain(env, user, args.explain)
    return 1 if failures else 0


def _explain(env, user, i: int) -> None:
    from django.db import connection
    from django.db.models import Count, Window

    from bench.operations import _search_filters
    from sasaeai.resources import selectors

    result = selectors.service_search(user=user, filters=_search_filters(env, i, regional=True))
    prefix = (
        "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    for path, queryset in (("services", result.queryset), ("rows", result.rows)):
        query = queryset.annotate(found=Window(Count("pk"))).values_list("pk", "found")[:20]
        sql, params = query.query.sql_with_params()
        print(f"\n== {path}\n{sql[:1200]}")
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            for row in cursor.fetchall():
                print("  ", " ".join(str(c) for c in row))


if __name__ == "__main__":
    sys.exit(main())
