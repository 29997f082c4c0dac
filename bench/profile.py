"""Where one request's time goes, in this process: the application against its SQL.

    python -m bench.profile --size prefecture [--backend sqlite|postgres] api_areas search …
        [--requests 50] [--cprofile] [--explain] [--file PATH]

For each operation (bench/operations.py) its requests are sent through Django's test client
(every middleware, the access policy, serialisation; no HTTP server), on a copy of the cached
dataset, after a warm-up of every variant. Printed per operation: the median wall time of a
request, the median time its SQL took, and so the application's own time; the statements by
their total time (with their plan with `--explain`); with `--cprofile` the functions that take
the application's time. `--file` uses a dataset file as it is (SQLite only; no cache key check),
to compare with a dataset built by another version of the code.

This is the tool behind issue 26's causes (docs/benchmarks.md, "Hosting many municipalities").
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import generate
from bench.sizes import SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="操作の1リクエストの内訳（アプリとSQL）を表示します。"
    )
    parser.add_argument("operations", nargs="+", help="操作のキー（bench/operations.py）")
    parser.add_argument("--size", default="city", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--cprofile", action="store_true", help="関数ごとの時間も表示する")
    parser.add_argument("--explain", action="store_true", help="遅い文の実行計画も表示する")
    parser.add_argument("--statements", type=int, default=4, help="表示する文の数")
    parser.add_argument("--dump", help="cProfileの結果をこのファイルに書く（pstatsで読む）")
    parser.add_argument("--file", help="このSQLiteファイルをそのまま使う（キャッシュの鍵を見ない）")
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy

    if args.file:
        target = generate.OUT / f"profile-{args.size}.sqlite3"
        shutil.copyfile(args.file, target)
        url = f"sqlite:///{target}"
    else:
        manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
        url = working_copy(
            backend=args.backend, size=args.size, manifest=manifest, purpose="profile"
        )
    try:
        return _profile(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        if args.file:
            Path(target).unlink(missing_ok=True)
        else:
            drop_working_copy(backend=args.backend, size=args.size, purpose="profile")


def _profile(args, url: str) -> int:
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test import Client as TestClient

    from bench.measure import TRANSACTION_CONTROL
    from bench.operations import OPERATIONS, Env
    from sasaeai.accounts.services import token_create

    env = Env()
    operations = {op.key: op for op in OPERATIONS}
    for key in args.operations:
        op = operations[key]
        client = TestClient(HTTP_HOST="127.0.0.1")
        headers = {}
        if op.auth == "session":
            client.force_login(env.user(op.user))
            env.sessions[op.user] = client.cookies["sessionid"].value
        elif op.auth == "token":
            if op.user not in env.tokens:
                env.tokens[op.user] = token_create(user=env.user(op.user), name="profile")[1]
            headers["HTTP_AUTHORIZATION"] = f"Bearer {env.tokens[op.user]}"
        requests = op.requests(env)

        def send(request, client=client, headers=headers):
            if request.method == "GET":
                return client.get(request.path, **headers)
            return client.generic(
                request.method,
                request.path,
                data=request.body or b"",
                content_type=request.content_type or "application/octet-stream",
                **headers,
            )

        for request in requests:
            response = send(request)
            if response.status_code not in request.expect:
                print(f"{key}: {request.path} answered {response.status_code}")
                break
        walls, cpus, sqls = [], [], []
        by_statement: dict[str, list[float]] = defaultdict(list)
        examples: dict[str, tuple] = {}
        # CPU time, not wall time: on a shared machine the wall clock charges other processes' turns
        # to whatever function was running.
        profiler = cProfile.Profile(time.process_time) if args.cprofile else None
        for n in range(args.requests):
            request = requests[n % len(requests)]
            spent: list[float] = []

            def wrapper(
                execute, sql, params, many, context, spent=spent, seen=by_statement, ex=examples
            ):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    elapsed = time.perf_counter() - started
                    if not TRANSACTION_CONTROL.match(sql):
                        spent.append(elapsed)
                        seen[sql].append(elapsed)
                        ex.setdefault(sql, params)

            with connection.execute_wrapper(wrapper):
                started = time.perf_counter()
                cpu_started = time.process_time()
                if profiler:
                    profiler.enable()
                send(request)
                if profiler:
                    profiler.disable()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu_started)
            sqls.append(sum(spent))
        wall = statistics.median(walls) * 1000
        sql = statistics.median(sqls) * 1000
        cpu = statistics.median(cpus) * 1000
        print(
            f"== {key} ({args.backend}, {args.size}, {len(walls)} requests): "
            f"median {wall:.1f} ms (CPU {cpu:.1f} ms), SQL {sql:.1f} ms, "
            f"application {wall - sql:.1f} ms, {len(by_statement)} distinct statements"
        )
        pages = {}
        if connection.vendor == "postgresql":
            pages = _pages(connection, by_statement, examples, len(walls))
            ranked = sorted(by_statement.items(), key=lambda item: -pages.get(item[0], 0))
        else:
            ranked = sorted(by_statement.items(), key=lambda item: -sum(item[1]))
        for statement, times in ranked[: args.statements]:
            per_request = sum(times) / len(walls) * 1000
            touched = f", {pages[statement]:,.0f} pages" if statement in pages else ""
            print(
                f"\n-- {per_request:.2f} ms per request ({len(times)}×{touched})\n{statement[:900]}"
            )
            if args.explain and statement.lstrip().upper().startswith(("SELECT", "WITH")):
                prefix = (
                    "EXPLAIN QUERY PLAN "
                    if connection.vendor == "sqlite"
                    else "EXPLAIN (ANALYZE, BUFFERS) "
                )
                with connection.cursor() as cursor:
                    cursor.execute(prefix + statement, examples[statement])
                    for row in cursor.fetchall():
                        print("   plan:", " ".join(str(c) for c in row))
        if profiler:
            if args.dump:
                profiler.dump_stats(f"{args.dump}.{key}")
            print()
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(os.environ.get("PROFILE_FILTER", ""), 40)
            stats.sort_stats("tottime").print_stats(20)
    return 0


def _pages(connection, by_statement: dict, examples: dict, requests: int) -> dict:
    """PostgreSQL: the buffers (8 KiB pages) each request's statements touch and their
    execution time inside the server, from EXPLAIN (ANALYZE, BUFFERS): unlike the latencies
    they do not depend on the machine's load, so they show whether a city's request reads
    more when other municipalities are hosted."""
    import json

    pages = 0.0
    server_ms = 0.0
    each = {}
    for statement, times in by_statement.items():
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, examples[statement]
            )
            raw = cursor.fetchone()[0]
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]
        top = plan["Plan"]
        touched = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
        share = len(times) / requests
        pages += touched * share
        each[statement] = touched * share
        server_ms += plan.get("Execution Time", 0.0) * share
    print(f"   pages per request {pages:,.0f}, execution in the server {server_ms:.1f} ms")
    return each


if __name__ == "__main__":
    sys.exit(main())
