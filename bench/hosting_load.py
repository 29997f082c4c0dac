"""One installation, many municipalities at once (issue 26): several gunicorn workers, the
coordinators of many municipalities searching and matching concurrently, and resources changed
while they do; afterwards 0 errors and no stale match.

    python -m bench.hosting_load [--backend postgres] [--size national_fifth] [--workers 4]
        [--municipalities 40] [--rounds 5] [--clients 8]

Each municipality's first-tier coordinator (`<code>-tier1`, made by the generator; Musashino's
`tier1`) gets an API token. Every municipality is then worked through `--rounds` times by
`--clients` threads: a search and the areas list (reads), a match from one of its towns, then
the first suggested service is paused by a write in this process (a queryset update: the path
that no signal sees, which the version triggers must catch), and the same match is asked again
`2 × workers` times, so that every worker answers it: a reply that still suggests the paused
service is a stale match. The service is then made active again. The workers keep each
municipality's matching facts in memory (sasaeai/cases/facts.py); only the version tokens tell
them that another process changed the resources.

Prints one line of text and one of JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from queue import Empty, Queue

from bench import generate
from bench.client import Client, Request, percentile
from bench.sizes import SIZES

PROFILE = {
    "age": 76,
    "sex": "female",
    "care_level": "independent",
    "max_walk_m": 3000,
    "days": ["mon", "tue", "wed", "thu", "fri", "sat"],
    "interests": "体操、お茶",
    "role": "participant",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="多数の市区町村を同時に: 負荷試験と古い結果の確認")
    parser.add_argument("--backend", default="postgres", choices=["sqlite", "postgres"])
    parser.add_argument("--size", default="national_fifth", choices=list(SIZES))
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument(
        "--pooler",
        choices=["none", "pgbouncer"],
        default="none",
        help="pgbouncer: the workers reach PostgreSQL through pgbouncer in transaction mode",
    )
    parser.add_argument("--pool-size", type=int, default=2, help="pgbouncer's server connections")
    args = parser.parse_args(argv)
    if args.pooler != "none" and args.backend != "postgres":
        parser.error("--pooler は PostgreSQL でのみ使えます。")

    from bench.measure import OUT, drop_working_copy, working_copy
    from bench.pooler import PgBouncer
    from bench.server import Server

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="hosting")
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.db import connections

    load_before = os.getloadavg()[0]
    pooler = PgBouncer(url, pool_size=args.pool_size) if args.pooler == "pgbouncer" else None
    try:
        cities = _cities(args.municipalities)
        with pooler or contextlib.nullcontext(url) as server_url:
            server = Server(
                database_url=server_url,
                workers=args.workers,
                log=OUT / f"gunicorn-hosting-{args.backend}-{args.size}.log",
                env={"DATABASE_TRANSACTION_POOLING": "1"} if pooler else None,
            )
            with server:
                result = _run(server, cities, args)
            if pooler:
                result["pgbouncer_pool_size"] = args.pool_size
                result["pgbouncer_stats"] = _pool_stats(pooler)
    finally:
        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="hosting")
    result.update(
        backend=args.backend,
        size=args.size,
        workers=args.workers,
        loadavg=[round(load_before, 1), round(os.getloadavg()[0], 1)],
    )
    ok = result["errors"] == 0 and result["stale"] == 0 and result["checked"] > 0
    print(
        f"hosting load ({args.backend}"
        f"{f' via pgbouncer, {args.pool_size} server connections' if pooler else ''}, "
        f"{args.size}, {args.workers} workers, "
        f"{result['municipalities']} municipalities, {args.clients} clients, "
        f"{result['seconds']} s): {result['requests']} requests, {result['errors']} errors, "
        f"{result['writes']} resource writes, {result['checked']} matches checked after a write, "
        f"{result['stale']} stale; p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; "
        f"load average {result['loadavg'][0]}→{result['loadavg'][1]}: {'OK' if ok else 'FAIL'}"
    )
    print(json.dumps(result, ensure_ascii=False))
    return 0 if ok else 1


def _pool_stats(pooler) -> dict:
    """pgbouncer's own counters for the database: transactions and queries it passed on."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=pooler.port, user=pooler.user, dbname="pgbouncer", autocommit=True
    ) as admin:
        cursor = admin.execute("SHOW STATS")
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    for row in rows:
        stats = dict(zip(names, row, strict=True))
        if stats.get("database") == pooler.database:
            return {
                "transactions": int(stats.get("total_xact_count") or 0),
                "queries": int(stats.get("total_query_count") or 0),
            }
    return {}


def _cities(count: int) -> list[dict]:
    """Municipalities spread over the dataset (Musashino first), each with its first-tier
    coordinator's new token and a town to match from."""
    from sasaeai.accounts.models import Role, User
    from sasaeai.accounts.services import token_create
    from sasaeai.org.models import Municipality, Town

    ids = list(Municipality.objects.order_by("id").values_list("id", flat=True))
    step = max(1, len(ids) // count)
    chosen = ids[::step][:count]
    cities = []
    for municipality_id in chosen:
        user = (
            User.objects.filter(municipality_id=municipality_id, role=Role.TIER1, is_active=True)
            .order_by("id")
            .first()
        )
        town = (
            Town.objects.filter(municipality_id=municipality_id, latitude__isnull=False)
            .order_by("id")
            .values_list("name", flat=True)
            .first()
        )
        if user is None or town is None:
            continue
        if user.must_change_password:
            User.objects.filter(pk=user.pk).update(must_change_password=False)
        cities.append(
            {
                "id": municipality_id,
                "token": token_create(user=user, name="負荷試験")[1],
                "town": town,
            }
        )
    return cities


def _run(server, cities: list[dict], args) -> dict:
    from django.db import connection

    from sasaeai.resources.models import Service

    work: Queue = Queue()
    for _ in range(args.rounds):
        for city in cities:
            work.put(city)
    lock = threading.Lock()
    times: list[float] = []
    counters = {"requests": 0, "errors": 0, "writes": 0, "checked": 0, "stale": 0}
    samples: list[str] = []

    def note(response, what: str) -> bool:
        with lock:
            counters["requests"] += 1
            times.append(response.elapsed)
            if response.status != 200:
                counters["errors"] += 1
                if len(samples) < 5:
                    samples.append(f"{what}: HTTP {response.status}")
                return False
        return True

    def match_ids(client: Client, city: dict) -> list[int] | None:
        body = json.dumps({**PROFILE, "town": city["town"]}, ensure_ascii=False).encode()
        response = client.send(Request("POST", "/api/v1/match", body, "application/json"))
        if not note(response, "match"):
            return None
        return [item["service"]["id"] for item in response.json()["items"]]

    def loop() -> None:
        try:
            while True:
                try:
                    city = work.get_nowait()
                except Empty:
                    return
                client = Client(server.base, token=city["token"])
                note(client.get("/api/v1/resources?q=体操&weekday=1"), "search")
                note(client.get("/api/v1/areas"), "areas")
                found = match_ids(client, city)
                if not found:
                    continue
                service_id = found[0]
                # A write by another process, by a path no signal sees.
                Service.objects.filter(pk=service_id).update(status=Service.Status.PAUSED)
                with lock:
                    counters["writes"] += 1
                try:
                    for _ in range(2 * args.workers):
                        again = match_ids(client, city)
                        if again is None:
                            continue
                        with lock:
                            counters["checked"] += 1
                            if service_id in again:
                                counters["stale"] += 1
                                if len(samples) < 5:
                                    samples.append(f"stale: service {service_id}")
                finally:
                    Service.objects.filter(pk=service_id).update(status=Service.Status.ACTIVE)
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=loop) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    p50 = percentile(times, 50)
    p95 = percentile(times, 95)
    return {
        "municipalities": len(cities),
        "seconds": round(elapsed, 1),
        **counters,
        "samples": samples,
        "p50_ms": round(p50 * 1000, 1) if p50 is not None else None,
        "p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
    }


if __name__ == "__main__":
    sys.exit(main())
