"""The 50-user load test (issue 9, item 6): fifty tier-2 coordinators (`load-01` … `load-50`,
made by the generator) record visits and consultations against gunicorn for a fixed time, then
the records are counted: zero errors, every record written exactly once, p95 reported.

Each write carries a unique marker in a free-text field; after the run every acknowledged write
must be found exactly once and no unacknowledged one may have been stored twice.

The writes it makes are the activities app's create endpoints; until they exist the test is not
available and `make bench` says so.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.client import Client, Request, percentile
from bench.generators.accounts import LOAD_USERS, load_username

USERS = LOAD_USERS
# Each user waits this long between writes (think time), as a person on a phone would.
THINK_SECONDS = (0.5, 2.0)


@dataclass
class Write:
    """One kind of record the load test makes."""

    key: str
    label: str
    # (user's area id, marker, rng) → request
    request: Callable[[int, str, random.Random], Request]
    # marker → how many records carry it (counted in the database after the run)
    count: Callable[[list[str]], dict[str, int]]


def writes() -> list[Write]:
    """The record kinds the activities app lets a coordinator create through the API: a visit
    (to a service of the coordinator's area, which the visit confirms) and a consultation."""
    from bench.operations import api_path_exists

    if not (api_path_exists("/visits", "POST") and api_path_exists("/consultations", "POST")):
        return []
    from django.db.models import Count

    from sasaeai.activities.models import Consultation, ConsultationTopic, Visit
    from sasaeai.resources.models import Service

    today = dt.date.today().isoformat()
    topics = list(ConsultationTopic.objects.filter(is_active=True).values_list("id", flat=True))
    services: dict[int | None, list[int]] = {}

    def services_of(area_id: int | None) -> list[int]:
        if area_id not in services:
            services[area_id] = list(
                Service.objects.filter(area_id=area_id, status="active")
                .order_by("id")
                .values_list("id", flat=True)[:50]
            )
        return services[area_id]

    def visit(area_id, marker, rng) -> Request:
        pool = services_of(area_id)
        body = {
            "date": today,
            "start_time": "10:00",
            "end_time": rng.choice(["11:00", "11:30", "12:00"]),
            "area_id": area_id,
            "attendees": rng.randint(5, 30),
            "observations": marker,
        }
        if pool:
            body["service_id"] = rng.choice(pool)
        else:
            body["place_name"] = "自治会の集まり"
        return _json_request("/api/v1/visits", body)

    def consultation(area_id, marker, rng) -> Request:
        body = {
            "date": today,
            "area_id": area_id,
            "consulter_type": rng.choice(["activist", "elderly", "care_manager"]),
            "channel": rng.choice(["phone", "walk_in", "on_site"]),
            "topic_ids": [rng.choice(topics)] if topics else [],
            "summary": marker,
        }
        return _json_request("/api/v1/consultations", body)

    def counter(model, field: str):
        def count(markers: list[str]) -> dict[str, int]:
            out: dict[str, int] = {}
            for start in range(0, len(markers), 500):
                rows = (
                    model.objects.filter(**{f"{field}__in": markers[start : start + 500]})
                    .values(field)
                    .annotate(n=Count("id"))
                )
                out.update({row[field]: row["n"] for row in rows})
            return out

        return count

    return [
        Write("visit", "訪問の記録", visit, counter(Visit, "observations")),
        Write("consultation", "相談の記録", consultation, counter(Consultation, "summary")),
    ]


def _json_request(path: str, body: dict) -> Request:
    return Request(
        "POST",
        path,
        json.dumps(body, ensure_ascii=False).encode(),
        "application/json",
        expect=(201,),
    )


def available() -> bool:
    return bool(writes())


def run(measurement, *, seconds: float) -> dict:
    from sasaeai.accounts.models import User
    from sasaeai.accounts.services import token_create

    kinds = writes()
    users = list(
        User.objects.filter(username__in=[load_username(n) for n in range(1, USERS + 1)])
        .prefetch_related("areas")
        .order_by("username")
    )
    # API tokens rather than the login form: fifty password hashes would crowd the minute.
    clients = []
    for user in users:
        _, plain = token_create(user=user, name="負荷試験")
        clients.append((user, Client(measurement.server.base, token=plain)))

    latencies: dict[str, list[float]] = {k.key: [] for k in kinds}
    acknowledged: dict[str, list[str]] = {k.key: [] for k in kinds}
    sent: dict[str, list[str]] = {k.key: [] for k in kinds}
    errors: list[str] = []
    lock = threading.Lock()
    serial = itertools.count(1)
    deadline = time.perf_counter() + seconds

    def user_loop(index: int) -> None:
        user, client = clients[index]
        rng = random.Random(index)
        area_id = next(iter(a.id for a in user.areas.all()), None)
        while time.perf_counter() < deadline:
            kind = kinds[rng.randrange(len(kinds))]
            marker = f"負荷試験-{user.username}-{next(serial):06d}"
            request = kind.request(area_id, marker, rng)
            with lock:
                sent[kind.key].append(marker)
            try:
                response = client.send(request, timeout=60)
            except OSError as exc:
                with lock:
                    errors.append(f"{kind.key}: {exc}")
                continue
            with lock:
                if response.status in request.expect:
                    latencies[kind.key].append(response.elapsed)
                    acknowledged[kind.key].append(marker)
                else:
                    errors.append(f"{kind.key}: HTTP {response.status}")
            time.sleep(rng.uniform(*THINK_SECONDS))

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(len(clients))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    rows = []
    duplicates = missing = stray = 0
    for kind in kinds:
        counts = kind.count(sent[kind.key])
        acked = set(acknowledged[kind.key])
        kind_missing = sum(1 for m in acked if counts.get(m, 0) == 0)
        kind_duplicates = sum(1 for m in sent[kind.key] if counts.get(m, 0) > 1)
        missing += kind_missing
        duplicates += kind_duplicates
        stray += sum(1 for m in sent[kind.key] if m not in acked and counts.get(m, 0) > 0)
        values = latencies[kind.key]
        rows.append(
            {
                "key": f"load_{kind.key}",
                "label": f"負荷試験: {kind.label}（{len(clients)}人同時）",
                "kind": "load",
                "n": len(values),
                "errors": sum(1 for e in errors if e.startswith(kind.key)),
                "p50_ms": round(percentile(values, 50) * 1000, 1) if values else None,
                "p95_ms": round(percentile(values, 95) * 1000, 1) if values else None,
                "rps": round(len(values) / elapsed, 1),
                "exactly_once": kind_missing == 0 and kind_duplicates == 0,
                "target": {"p95_ms": None, "ratio": None, "binding": True, "source": "#9"},
            }
        )
    return {
        "rows": rows,
        "users": len(clients),
        "seconds": round(elapsed, 1),
        "errors": len(errors),
        "error_sample": errors[:5],
        "written": sum(len(v) for v in acknowledged.values()),
        "missing": missing,
        "duplicates": duplicates,
        "unacknowledged_but_stored": stray,
        "exactly_once": missing == 0 and duplicates == 0,
    }
