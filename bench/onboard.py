"""Onboarding a municipality from the shipped gazetteer (issue 20): seconds per municipality
and the size the shipped data adds to the package.

    python -m bench.onboard [--backend sqlite|postgres] [--codes 243418,132039,141003]

On a fresh database of the chosen backend (migrated first), for each municipality: the
command operators run (`manage.py municipality create CODE`) end to end, process start
included; inside one process, the load itself (municipality, towns and 丁目 written, the
prefecture's town file read cold) and the same load again (the idempotent update, nothing to
write). Then the bytes of `sasaeai/org/data/japan/` on disk and deflated as a wheel would hold
them. The default codes: a small town (菰野町, 三重県), Musashino, a 政令指定都市 (横浜市, 18 wards).
The table is printed, then one line of JSON.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = ROOT / "sasaeai" / "org" / "data" / "japan"
DEFAULT_CODES = "243418,132039,141003"

TIMED = r"""
import json, sys, time
from sasaeai.org import gazetteer, services
from sasaeai.org.models import Town, TownBlock

results = []
for code in sys.argv[1].split(","):
    gazetteer._prefecture_towns.cache_clear()
    started = time.perf_counter()
    municipality, _, load = services.municipality_create_from_code(code=code)
    first = time.perf_counter() - started
    started = time.perf_counter()
    services.municipality_create_from_code(code=code)
    again = time.perf_counter() - started
    results.append({
        "code": code,
        "name": municipality.name,
        "towns": Town.objects.filter(municipality=municipality).count(),
        "blocks": TownBlock.objects.filter(town__municipality=municipality).count(),
        "load_s": round(first, 3),
        "again_s": round(again, 3),
    })
print(json.dumps(results, ensure_ascii=False))
"""


def _database_url(backend: str, base: str, name: str) -> str:
    if backend == "sqlite":
        path = OUT / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect(base.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return base.rstrip("/") + f"/{name}"


def _manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def data_size() -> dict:
    files = sorted(p for p in DATA.rglob("*") if p.is_file())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for path in files:
            wheel.write(path, path.relative_to(ROOT))
    return {
        "files": len(files),
        "bytes": sum(p.stat().st_size for p in files),
        "in_wheel_bytes": len(buffer.getvalue()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="同梱の住所データから市区町村を登録する時間と、データの大きさを計測します。"
    )
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--codes", default=DEFAULT_CODES)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--database", default="bench_onboard", help="作り直すデータベース名")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}

    # The command end to end, each municipality on a fresh database.
    command = {}
    for code in args.codes.split(","):
        env["DATABASE_URL"] = _database_url(args.backend, args.postgres_url, args.database)
        _manage(env, "migrate", "--noinput")
        started = time.perf_counter()
        _manage(env, "municipality", "create", code)
        command[code] = round(time.perf_counter() - started, 2)

    # The load itself, in one process, on a fresh database.
    env["DATABASE_URL"] = _database_url(args.backend, args.postgres_url, args.database)
    _manage(env, "migrate", "--noinput")
    timed = json.loads(
        _manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            f"import sys; sys.argv = ['', '{args.codes}']\n{TIMED}",
        )
        .strip()
        .splitlines()[-1]
    )
    for row in timed:
        row["command_s"] = command[row["code"]]
    size = data_size()

    print(f"onboarding on {args.backend}")
    print("| 市区町村 | コード | 町 | 丁目 | 読み込み (s) | 再実行 (s) | コマンド全体 (s) |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in timed:
        print(
            f"| {row['name']} | {row['code']} | {row['towns']:,} | {row['blocks']:,} | "
            f"{row['load_s']:.2f} | {row['again_s']:.2f} | {row['command_s']:.2f} |"
        )
    print(
        f"shipped data: {size['files']} files, {size['bytes'] / 1e6:.2f} MB on disk, "
        f"{size['in_wheel_bytes'] / 1e6:.2f} MB in a wheel"
    )
    print(json.dumps({"backend": args.backend, "municipalities": timed, "data": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
