"""Where an operation's time goes in the database: each SQL statement of its floor, timed, with
the plan the database chooses.

    python -m bench.explain --size prefecture --backend sqlite search [search_regional …]

Uses the cached dataset of that size (bench.generate builds it if needed), read only.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench import generate
from bench.sizes import SIZES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="操作のSQLと実行計画を表示します。")
    parser.add_argument("operations", nargs="+", help="操作のキー（bench/operations.py）")
    parser.add_argument("--size", default="city", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--variant", type=int, default=0, help="リクエストの何番目の形か")
    parser.add_argument("--slowest", type=int, default=5, help="表示する文の数")
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    # A copy: explaining logs a user in, and the cached dataset must stay as generated.
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="explain")
    try:
        return _explain(args, url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="explain")


def _explain(args, url: str) -> int:
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.measure import TRANSACTION_CONTROL
    from bench.operations import OPERATIONS, Env

    env = Env()
    operations = {op.key: op for op in OPERATIONS}
    for key in args.operations:
        op = operations[key]
        if op.data is None:
            print(f"{key}: no floor")
            continue
        if op.auth == "session":
            from django.contrib.sessions.backends.db import SessionStore

            session = SessionStore()
            session["_auth_user_id"] = str(env.user(op.user).pk)
            session.create()
            env.sessions[op.user] = session.session_key
        elif op.auth == "token":
            from sasaeai.accounts.services import token_create

            env.tokens[op.user] = token_create(user=env.user(op.user), name="explain")[1]
        statements: list[tuple[str, object]] = []

        def wrapper(execute, sql, params, many, context, statements=statements):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                if not TRANSACTION_CONTROL.match(sql):
                    statements.append((time.perf_counter() - started, sql, params))

        with transaction.atomic(), connection.execute_wrapper(wrapper):
            op.data(env, args.variant)
            transaction.set_rollback(True)
        total = sum(s[0] for s in statements)
        print(
            f"== {key} ({args.backend}, {args.size}): {len(statements)} statements, {total * 1000:.1f} ms"
        )
        for elapsed, sql, params in sorted(statements, key=lambda s: -s[0])[: args.slowest]:
            print(f"\n-- {elapsed * 1000:.1f} ms\n{sql[:1500]}\n   params: {str(params)[:300]}")
            prefix = (
                "EXPLAIN QUERY PLAN "
                if connection.vendor == "sqlite"
                else "EXPLAIN (ANALYZE, BUFFERS) "
            )
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                with connection.cursor() as cursor:
                    cursor.execute(prefix + sql, params)
                    for row in cursor.fetchall():
                        print("   plan:", " ".join(str(c) for c in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
