"""The worker's CPU per API request through gunicorn, one request at a time.

    python -m bench.api_cpu --size prefecture [--backend sqlite|postgres] [--requests 300]

One gunicorn worker (bench.server) on a copy of the cached dataset; for Django's minimal view
(every middleware, no query), `/api/v1/me` and the search API (体操 on Mondays, the benchmark's
first-tier coordinator with a Bearer token), after 20 warm-up requests, `--requests` requests
one after the other: the mean wall time and the worker's CPU time per request. With one
client and one worker, the CPU time is the application's own cost (on SQLite it includes the
database, which runs in the worker), and little depends on the other processes of a shared
machine; `bench.run`'s latencies, with two clients on two workers, mostly do.
"""

from __future__ import annotations

import argparse
import http.client
import os
import sys
import time

from bench import generate
from bench.sizes import SIZES

PATHS = (
    "/bench/minimal/",
    "/api/v1/me",
    "/api/v1/resources?q=%E4%BD%93%E6%93%8D&weekday=MO",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="APIの1リクエストあたりのワーカーCPU時間。")
    parser.add_argument("--size", default="city", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy
    from bench.server import HOST, Server

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="apicpu")
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connections

    from sasaeai.accounts.models import User
    from sasaeai.accounts.services import token_create

    plain = token_create(user=User.objects.get(username="tier1"), name="api_cpu")[1]
    connections.close_all()
    server = Server(database_url=url, workers=1, log=generate.OUT / f"api-cpu-{args.size}.log")
    server.start()
    headers = {"Authorization": f"Bearer {plain}"}

    def send(path: str) -> int:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status

    try:
        print(f"{args.backend} {args.size}, load average {os.getloadavg()[0]:.1f}")
        for path in PATHS:
            for _ in range(20):
                send(path)
            cpu = server.workers_cpu_seconds()
            started = time.perf_counter()
            statuses = {send(path) for _ in range(args.requests)}
            wall = (time.perf_counter() - started) / args.requests * 1000
            cpu = (server.workers_cpu_seconds() - cpu) / args.requests * 1000
            print(f"{path}: HTTP {sorted(statuses)}, wall {wall:.2f} ms, worker CPU {cpu:.2f} ms")
        print(f"load average {os.getloadavg()[0]:.1f}")
    finally:
        server.stop()
        drop_working_copy(backend=args.backend, size=args.size, purpose="apicpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
