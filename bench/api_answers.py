"""The search API's answers for many queries, as bytes, to compare two versions of the code.

    python -m bench.api_answers --size prefecture [--backend sqlite|postgres] --out FILE
    python -m bench.api_answers --size prefecture --compare FILE

Sends each query of `queries()` through Django's test client (every middleware, the token, the
access policy, serialisation) as the first-tier coordinator, a second-tier one and the
prefecture-wide reader of the dataset, and writes the SHA-256 of every answer's status and
body (`--out`), or compares them with an earlier run's file and prints the queries whose answer
changed (`--compare`; exit status 1 if any did). A change that should not change any answer
(docs/benchmarks.md, "The API's own cost per request") is checked this way on a real dataset;
tests/test_api_search_answers.py checks the same on the test data.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from urllib.parse import urlencode

from bench import generate
from bench.sizes import SIZES

USERS = ("tier1", "tier2", "regional")


def queries(area_ids: list[int], town_ids: list[int]) -> list[str]:
    from bench.operations import SEARCH_WORDS, WEEKDAYS

    out = []
    words = ["", *SEARCH_WORDS, "体操 歌", "ない語ですよ"]
    for i, word in enumerate(words):
        area = area_ids[i % len(area_ids)]
        town = town_ids[i % len(town_ids)]
        day = WEEKDAYS[i % len(WEEKDAYS)]
        for params in (
            {"q": word},
            {"q": word, "area": area, "weekday": day},
            {"q": word, "weekday": f"{day},SA", "page": 2},
            {"q": word, "page_size": 200},
            {"q": word, "free": "true", "volunteers": "true"},
            {"q": word, "near_town": town, "radius": 3000},
            {"q": word, "town": town, "status": "paused"},
            {"q": word, "recheck": "true", "time_of_day": "morning"},
            {"q": word, "page": 500},
        ):
            out.append("/api/v1/resources?" + urlencode({k: v for k, v in params.items() if v}))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="検索APIの答えをバイト単位で比べます。")
    parser.add_argument("--size", default="city", choices=list(SIZES))
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--out", help="答えのハッシュを書くファイル")
    parser.add_argument("--compare", help="前の実行のファイルと比べる")
    args = parser.parse_args(argv)

    from bench.measure import drop_working_copy, working_copy

    manifest = generate.ensure(size=args.size, backend=args.backend, seed=generate.DEFAULT_SEED)
    url = working_copy(backend=args.backend, size=args.size, manifest=manifest, purpose="answers")
    try:
        answers = _answers(url)
    finally:
        from django.db import connections

        connections.close_all()
        drop_working_copy(backend=args.backend, size=args.size, purpose="answers")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump(answers, f, ensure_ascii=False, indent=1)
    print(f"{len(answers)} answers")
    if args.compare:
        with open(args.compare, encoding="utf-8") as f:
            before = json.load(f)
        changed = [
            key for key in before.keys() | answers.keys() if before.get(key) != answers.get(key)
        ]
        for key in sorted(changed):
            print("changed:", key)
        print(f"{len(changed)} of {len(answers)} answers changed")
        return 1 if changed else 0
    return 0


def _answers(url: str) -> dict[str, str]:
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.test import Client as TestClient

    from bench.generators.accounts import REGIONAL_USERNAME
    from bench.operations import Env
    from sasaeai.accounts.models import User
    from sasaeai.accounts.services import token_create
    from sasaeai.org.models import Area, Town

    env = Env()
    home = env.user("tier1").municipality_id
    area_ids = list(
        Area.objects.filter(municipality_id=home).order_by("id").values_list("id", flat=True)
    )
    town_ids = list(
        Town.objects.filter(municipality_id=home).order_by("id").values_list("id", flat=True)
    )
    tier2 = User.objects.filter(municipality_id=home, role="tier2").order_by("id").first()
    usernames = {"tier1": "tier1", "tier2": tier2.username, "regional": REGIONAL_USERNAME}
    answers = {}
    for who in USERS:
        user = User.objects.get(username=usernames[who])
        plain = token_create(user=user, name="answers")[1]
        client = TestClient(HTTP_HOST="127.0.0.1")
        for path in queries(area_ids, town_ids):
            response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {plain}")
            digest = hashlib.sha256(response.content).hexdigest()
            answers[f"{who} {path}"] = f"{response.status_code} {digest}"
    return answers


if __name__ == "__main__":
    sys.exit(main())
