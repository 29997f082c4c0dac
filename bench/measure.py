"""Measures every available operation at one size on one backend, end to end through gunicorn.

    python -m bench.measure --size city --backend sqlite --out bench/out/results-sqlite-city.json

Steps: make sure the dataset exists (bench.generate), copy it to a working database (so that
writes of one run never leak into the next), start gunicorn (config.wsgi, 2 workers) on a
loopback port with bench.settings, log in through the login form or create API tokens with
`sasaeai token create`, then for each operation: latency with concurrent clients, the SQL
queries one request makes (counted in-process), and the floor (the bare SQL replayed with a
cursor, same clients and count). Then throughput against the minimal view and the workers' peak
RSS. bench.run collects the results of every size into one table.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

from bench import generate
from bench.server import Server
from bench.sizes import SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


TRANSACTION_CONTROL = re.compile(
    r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT|SET\s+CONSTRAINTS)\b", re.I
)


def working_copy(*, backend: str, size: str, manifest: dict, purpose: str = "work") -> str:
    """A fresh copy of the dataset for this run; returns its database URL. A dataset reused
    under BENCH_KEEP_DATA gets the code's pending migrations (new indexes) on the copy."""
    url = _copy(backend=backend, size=size, manifest=manifest, purpose=purpose)
    if manifest.get("reused_key"):
        import subprocess

        env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return url


def _copy(*, backend: str, size: str, manifest: dict, purpose: str) -> str:
    if backend == "sqlite":
        source = ROOT / manifest["path"]
        target = OUT / f"{purpose}-{size}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    name = f"{generate.postgres_name(size)}_{purpose}"
    with generate._admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{generate.postgres_name(size)}"')
    return f"{generate.POSTGRES_URL}/{name}"


def drop_working_copy(*, backend: str, size: str, purpose: str = "work") -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(OUT / f"{purpose}-{size}.sqlite3") + suffix).unlink(missing_ok=True)
        return
    name = f"{generate.postgres_name(size)}_{purpose}"
    with generate._admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


class Measurement:
    def __init__(self, *, server: Server, args, backend: str, size: str) -> None:
        from bench.operations import Env

        self.server = server
        self.args = args
        self.backend = backend
        self.size = size
        self.env = Env()
        self.clients: dict[str, object] = {}
        self.log: list[str] = []

    def say(self, text: str) -> None:
        print(f"  [{self.backend} {self.size}] {text}", file=sys.stderr, flush=True)

    # --- authentication --------------------------------------------------------------------

    def client_for(self, op):
        from django.conf import settings

        from bench.client import Client

        if op.auth == "none":
            return Client(self.server.base)
        if op.auth == "token":
            if op.user not in self.env.tokens:
                from django.core.management import call_command

                out = io.StringIO()
                call_command("token", "create", op.user, "--name", "ベンチマーク", stdout=out)
                self.env.tokens[op.user] = out.getvalue().strip().splitlines()[-1]
            return Client(self.server.base, token=self.env.tokens[op.user])
        if op.user not in self.clients:
            client = Client(self.server.base)
            client.login(op.user, settings.DEMO_PASSWORD)
            self.clients[op.user] = client
            self.env.sessions[op.user] = client.cookies["sessionid"]
        return self.clients[op.user]

    # --- one operation ---------------------------------------------------------------------

    def latency(self, op) -> dict:
        from bench.client import run_concurrent

        base = self.client_for(op)
        requests = op.requests(self.env)
        clients = [base.copy() for _ in range(self.args.clients)]
        for request in requests:  # warm up every variant, and check it answers as expected
            response = clients[0].send(request)
            if response.status not in request.expect:
                snippet = response.body[:300].decode("utf-8", "replace")
                return {"error": f"{request.method} {request.path}: {response.status} {snippet}"}

        def work(index: int, n: int):
            request = requests[n % len(requests)]
            response = clients[index].send(request)
            if response.status not in request.expect:
                return response.elapsed, f"{request.path}: HTTP {response.status}"
            return response.elapsed, None

        # After the warm-up: a worker's first requests pay for loading templates and caches.
        cpu_before = self.server.workers_cpu_seconds()
        timing = run_concurrent(
            work,
            clients=self.args.clients,
            requests=self.args.requests,
            seconds=self.args.op_seconds,
            min_requests=min(self.args.requests, 10),
        )
        served = max(timing.count, 1)
        return {
            "n": timing.count,
            "errors": len(timing.errors),
            "error_sample": timing.errors[:3],
            "p50_ms": _ms(timing.p(50)),
            "p95_ms": _ms(timing.p(95)),
            # The workers' CPU time per request: unlike the latencies, it hardly depends on
            # what else the (shared) machine is doing.
            "cpu_ms": _ms((self.server.workers_cpu_seconds() - cpu_before) / served),
            "variants": len(requests),
        }

    def queries(self, op) -> int | None:
        """SQL queries of one request, counted in this process with Django's test client."""
        from django.db import connection
        from django.test import Client as TestClient
        from django.test.utils import CaptureQueriesContext

        request = op.requests(self.env)[0]
        client = TestClient()
        headers = {}
        if op.auth == "session":
            client.force_login(self.env.user(op.user))
        elif op.auth == "token":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.env.tokens[op.user]}"

        def send():
            if request.method == "GET":
                return client.get(request.path, **headers)
            return client.generic(
                request.method,
                request.path,
                data=request.body or b"",
                content_type=request.content_type or "application/octet-stream",
                **headers,
            )

        send()  # the first request may fill per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = send()
        if response.status_code not in request.expect:
            return None
        return len(captured.captured_queries)

    def floor(self, op) -> dict | None:
        from django.db import connection, transaction

        from bench.client import run_concurrent

        if op.data is None:
            return None
        variants = len(op.requests(self.env))
        statements = []
        for i in range(variants):
            captured: list = []

            def wrapper(execute, sql, params, many, context, captured=captured):
                # Transaction control belongs to the replay's own atomic block, not the floor.
                if not TRANSACTION_CONTROL.match(sql):
                    captured.append((sql, params, many))
                return execute(sql, params, many, context)

            with connection.execute_wrapper(wrapper):
                if op.writes:
                    with transaction.atomic():
                        op.data(self.env, i)
                        transaction.set_rollback(True)
                else:
                    op.data(self.env, i)
            statements.append(captured)

        def replay(index: int, n: int):
            batch = statements[n % variants]
            started = time.perf_counter()
            if op.writes:
                with transaction.atomic():
                    _replay(batch)
                    transaction.set_rollback(True)
            else:
                _replay(batch)
            return time.perf_counter() - started, None

        def _replay(batch) -> None:
            with connection.cursor() as cursor:
                for sql, params, many in batch:
                    if many:
                        cursor.executemany(sql, params)
                    else:
                        cursor.execute(sql, params)
                    if cursor.description is not None:
                        cursor.fetchall()

        # No separate warm-up: capturing the statements above ran each variant once already,
        # as the operation's warm-up did (a slow floor would otherwise be paid three times).
        timing = run_concurrent(
            replay,
            clients=self.args.clients,
            requests=self.args.requests,
            seconds=self.args.op_seconds,
            min_requests=min(self.args.requests, 10),
            on_exit=lambda index: connection.close(),
        )
        return {
            "floor_p50_ms": _ms(timing.p(50)),
            "floor_p95_ms": _ms(timing.p(95)),
            "floor_errors": len(timing.errors),
            "floor_error_sample": timing.errors[:2],
            "floor_queries": round(sum(len(b) for b in statements) / variants, 1),
        }

    def throughput(self, op) -> dict:
        from bench.client import run_concurrent

        base = self.client_for(op)
        requests = op.requests(self.env)
        clients = [base.copy() for _ in range(self.args.throughput_clients)]

        def work(index: int, n: int):
            request = requests[n % len(requests)]
            response = clients[index].send(request)
            if response.status not in request.expect:
                return response.elapsed, f"HTTP {response.status}"
            return response.elapsed, None

        timing = run_concurrent(work, clients=len(clients), seconds=self.args.throughput_seconds)
        return {
            "rps": round(timing.rps, 1),
            "n": timing.count,
            "errors": len(timing.errors),
            "p50_ms": _ms(timing.p(50)),
            "p95_ms": _ms(timing.p(95)),
            "clients": len(clients),
            "seconds": round(timing.elapsed, 1),
        }

    # --- everything ------------------------------------------------------------------------

    def run(self) -> dict:
        from bench.operations import OPERATIONS

        rows = []
        only = set(self.args.only.split(",")) if self.args.only else None
        available = [op for op in OPERATIONS if op.available() and (not only or op.key in only)]
        skipped = [op.key for op in OPERATIONS if not op.available()]
        for op in available:
            started = time.perf_counter()
            row = {
                "key": op.key,
                "label": op.label,
                "kind": "latency",
                "scope": op.scope,
                "notes": op.notes,
            }
            try:
                row.update(self.latency(op))
                if "error" not in row:
                    row["queries"] = self.queries(op)
                    floor = self.floor(op)
                    if floor:
                        row.update(floor)
                        if row.get("p50_ms") and floor["floor_p50_ms"]:
                            row["ratio"] = round(row["p50_ms"] / floor["floor_p50_ms"], 1)
            except Exception as exc:  # one broken operation must not hide the others
                import traceback

                from django.db import connection

                row["error"] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
                connection.close()  # never leave a transaction (and SQLite's lock) open
            if op.target:
                row["target"] = {
                    "p95_ms": op.target.p95_ms,
                    "ratio": op.target.ratio,
                    "binding": op.target.binds(self.backend, self.size),
                    "source": op.target.source,
                }
            rows.append(row)
            self.say(
                f"{op.key}: p50 {row.get('p50_ms')} ms, p95 {row.get('p95_ms')} ms, floor "
                f"{row.get('floor_p50_ms')} ms, {row.get('queries')} queries "
                f"({time.perf_counter() - started:.1f} s){'  ' + row['error'] if 'error' in row else ''}"
            )
        if not self.args.no_throughput:
            baseline = None
            for op in available:
                if not op.throughput:
                    continue
                result = self.throughput(op)
                if op.key == "minimal":
                    baseline = result["rps"]
                row = {"key": f"rps_{op.key}", "label": op.label, "kind": "throughput", **result}
                if baseline and op.key != "minimal" and result["rps"]:
                    row["baseline_rps"] = baseline
                    row["ratio"] = round(baseline / result["rps"], 1)
                rows.append(row)
                self.say(f"throughput {op.key}: {result['rps']} req/s")
        from bench import loadtest

        load = None
        if self.args.load_seconds > 0 and loadtest.available():
            load = loadtest.run(self, seconds=self.args.load_seconds)
            rows.extend(load["rows"])
        rss = self.server.peak_rss_kib()
        return {
            "backend": self.backend,
            "size": self.size,
            "rows": rows,
            "skipped_operations": skipped,
            "load_test": load and {k: v for k, v in load.items() if k != "rows"},
            "workers_peak_rss_mib": sorted(round(v / 1024, 1) for v in rss.values()),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="1つのデータ規模・DBで全操作を計測します。")
    parser.add_argument("--size", default="city", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument("--requests", type=int, default=100, help="操作ごとのリクエスト数")
    parser.add_argument("--clients", type=int, default=2, help="同時に送るクライアント数")
    parser.add_argument("--op-seconds", type=float, default=10, help="操作ごとの上限秒数")
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--throughput-clients", type=int, default=8)
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--load-seconds", type=float, default=0, help="50人の負荷試験の秒数")
    parser.add_argument("--only", help="計測する操作のキー（カンマ区切り）")
    parser.add_argument("--port", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    load_before = os.getloadavg()
    manifest = generate.ensure(
        size=args.size, backend=args.backend, seed=args.seed, progress=not args.quiet
    )
    # Wall time this run spent building the dataset (about zero when it was reused).
    built_in = time.perf_counter() - started
    measure_started = time.perf_counter()
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest)
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    backend = "postgresql" if args.backend == "postgres" else "sqlite"
    server = Server(
        database_url=url, log=OUT / f"gunicorn-{args.backend}-{args.size}.log", port=args.port
    )
    try:
        with server:
            result = Measurement(server=server, args=args, backend=backend, size=args.size).run()
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size)
    result["dataset"] = {
        "key": manifest["key"],
        "seed": manifest["seed"],
        "summary": manifest["summary"],
        "generated_in_s": manifest["generated_in_s"],
        "generated_cpu_s": manifest.get("cpu_s"),
        "built_this_run_s": round(built_in, 1),
    }
    result["measured_in_s"] = round(time.perf_counter() - measure_started, 1)
    # The machine is shared: the load average says how far the figures can be trusted.
    result["loadavg"] = [round(load_before[0], 1), round(os.getloadavg()[0], 1)]
    result["cpus"] = os.cpu_count()
    out = args.out or OUT / f"results-{args.backend}-{args.size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
