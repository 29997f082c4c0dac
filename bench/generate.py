"""Builds (or reuses) the benchmark dataset of one size on one backend.

    python -m bench.generate --size city [--backend sqlite|postgres] [--seed N] [--force]

The data is seeded, so the same seed and code give the same rows. A dataset is kept between
runs: on SQLite as bench/out/data/<size>-<key>.sqlite3, on PostgreSQL as the database
bench_<size>; the key is a hash of the seed, the size and every source file whose behaviour ends
up in the data (migrations, demo data, the generators, the search indexing code), so a change
in any of them builds the dataset anew. Only the tables that exist in the code are generated.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

from bench.sizes import SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = OUT / "data"
DEFAULT_SEED = 20150401

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")

# Files whose content decides the base (the migrated schema and `sasaeai demo`), and then the
# generated rows: a change to any of them invalidates the cached datasets built on them.
BASE_SOURCES = [
    "bench/generate.py",
    "bench/settings.py",
    "sasaeai/*/migrations/*.py",
    "sasaeai/*/demo.py",
    "sasaeai/*/demo/*.py",
    "sasaeai/*/data/*",
    "sasaeai/resources/search.py",
    "sasaeai/resources/schedules.py",
    "sasaeai/core/text.py",
]
KEY_SOURCES = [
    "bench/loader.py",
    "bench/vocabulary.py",
    "bench/generators/*.py",
]
BASE = "base"


def _digest(prefix: str, patterns: list[str]) -> str:
    digest = hashlib.sha256(prefix.encode())
    for pattern in patterns:
        for path in sorted(ROOT.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def base_key() -> str:
    return _digest("base", BASE_SOURCES)


def dataset_key(size: str, seed: int) -> str:
    # The size's own figures, not bench/sizes.py: adding a size keeps the others' datasets.
    return _digest(f"{size}:{SIZES[size]!r}:{seed}:{base_key()}", KEY_SOURCES)


def sqlite_path(size: str, key: str) -> Path:
    return DATA / f"{size}-{key}.sqlite3"


def postgres_name(size: str) -> str:
    """The database a PostgreSQL dataset lives in; BENCH_POSTGRES_PREFIX keeps the datasets of
    two checkouts with different schemas apart on one server."""
    return f"{os.environ.get('BENCH_POSTGRES_PREFIX', 'bench')}_{size}"


def manifest_path(backend: str, size: str) -> Path:
    return DATA / f"{backend}-{size}.json"


def read_manifest(backend: str, size: str) -> dict | None:
    path = manifest_path(backend, size)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return None


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True)


def _postgres_key(name: str) -> str | None:
    import psycopg

    with _admin_connection() as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        return None
    try:
        with psycopg.connect(f"{POSTGRES_URL}/{name}") as conn:
            row = conn.execute("SELECT key FROM bench_dataset").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def ensure(
    *, size: str, backend: str, seed: int, force: bool = False, progress: bool = True
) -> dict:
    """Makes sure the dataset exists and returns its manifest (the counts of every table).
    A dataset starts as a copy of the base (migrated and loaded with `sasaeai demo` once per
    backend), so that each size pays only for its own rows."""
    key = dataset_key(size, seed)
    manifest = read_manifest(backend, size)
    if os.environ.get("BENCH_KEEP_DATA") and manifest and not force and _exists(backend, manifest):
        # On a busy shared machine a rebuild can take longer than the measurement: reuse the
        # dataset an earlier version of the code built (same size and seed), and say so.
        if manifest.get("key") != key:
            print(
                f"BENCH_KEEP_DATA: {size} ({backend}) reused although its key changed "
                f"({manifest.get('key')} → {key}); pending migrations are applied to each copy",
                file=sys.stderr,
            )
            manifest = {**manifest, "reused_key": manifest.get("key")}
        return manifest
    if backend == "sqlite":
        path = sqlite_path(size, key)
        if path.exists() and not force and manifest and manifest.get("key") == key:
            return manifest
        base = _ensure_base(backend, progress=progress)
        for old in DATA.glob(f"{size}-*.sqlite3*"):
            old.unlink()
        tmp = path.with_suffix(".building")
        for leftover in DATA.glob(tmp.name + "*"):
            leftover.unlink()
        shutil.copyfile(ROOT / base["path"], tmp)
        url = f"sqlite:///{tmp}"
    else:
        name = postgres_name(size)
        if not force and manifest and manifest.get("key") == key and _postgres_key(name) == key:
            return manifest
        _ensure_base(backend, progress=progress)
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_name(BASE)}"')
        url = f"{POSTGRES_URL}/{name}"
    manifest = _build_in_subprocess(url=url, size=size, seed=seed, key=key, progress=progress)
    if backend == "sqlite":
        tmp.rename(path)
        manifest["path"] = str(path.relative_to(ROOT))
    else:
        manifest["database"] = postgres_name(size)
    manifest_path(backend, size).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def _exists(backend: str, manifest: dict) -> bool:
    if backend == "sqlite":
        return bool(manifest.get("path")) and (ROOT / manifest["path"]).exists()
    return _postgres_key(manifest.get("database", "")) is not None


def _ensure_base(backend: str, *, progress: bool) -> dict:
    key = base_key()
    manifest = read_manifest(backend, BASE)
    DATA.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        path = sqlite_path(BASE, key)
        if path.exists() and manifest and manifest.get("key") == key:
            return manifest
        for old in DATA.glob(f"{BASE}-*.sqlite3*"):
            old.unlink()
        tmp = path.with_suffix(".building")
        for leftover in DATA.glob(tmp.name + "*"):
            leftover.unlink()
        url = f"sqlite:///{tmp}"
    else:
        name = postgres_name(BASE)
        if manifest and manifest.get("key") == key and _postgres_key(name) == key:
            return manifest
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        url = f"{POSTGRES_URL}/{name}"
    manifest = _build_in_subprocess(url=url, size=BASE, seed=0, key=key, progress=progress)
    if backend == "sqlite":
        tmp.rename(path)
        manifest["path"] = str(path.relative_to(ROOT))
    manifest_path(backend, BASE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def _build_in_subprocess(*, url: str, size: str, seed: int, key: str, progress: bool) -> dict:
    """Django is set up once per process and database, so each build runs in its own process."""
    import subprocess
    import tempfile

    # Its own file: builds of the same size on both backends may run at the same time.
    DATA.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=DATA, prefix=f".build-{size}-", suffix=".json")
    os.close(handle)
    result_file = Path(name)
    env = {**os.environ, "BENCH_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    command = [
        sys.executable,
        "-m",
        "bench.generate",
        "--_build",
        "--size",
        size,
        "--seed",
        str(seed),
        "--_key",
        key,
        "--_out",
        str(result_file),
    ]
    if not progress:
        command.append("--quiet")
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    manifest = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    return manifest


def build(*, size_name: str, seed: int, key: str, progress: bool) -> dict:
    """Runs inside the process whose Django settings point at the new database."""
    import random

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bench.generators import Context, available_modules
    from bench.loader import BulkWriter
    from sasaeai.site.demo import load_demo

    started = time.perf_counter()
    cpu_started = time.process_time()
    timings: dict[str, float] = {}
    writer = BulkWriter()
    writer.prepare()
    if size_name == BASE:
        t = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        timings["migrate"] = time.perf_counter() - t
        t = time.perf_counter()
        load_demo()
        timings["demo"] = time.perf_counter() - t
        return _finish(
            key=key,
            seed=seed,
            size_name=size_name,
            started=started,
            cpu_started=cpu_started,
            timings=timings,
            skipped=[],
            counts_extra={},
        )

    size = SIZES[size_name]
    ctx = Context(size=size, seed=seed, rng=random.Random(seed), writer=writer, progress=progress)
    skipped = []
    with transaction.atomic():
        for name, module, present in available_modules():
            if not present:
                skipped.append(name)
                continue
            t = time.perf_counter()
            module.generate(ctx)
            timings[name] = time.perf_counter() - t
            if progress:
                print(f"  {name}: {timings[name]:.1f} s", file=sys.stderr)
        writer.finish()
    return _finish(
        key=key,
        seed=seed,
        size_name=size_name,
        started=started,
        cpu_started=cpu_started,
        timings=timings,
        skipped=skipped,
        counts_extra=ctx.counts,
    )


def _finish(*, key, seed, size_name, started, cpu_started, timings, skipped, counts_extra) -> dict:
    """Stamps the dataset with its key, vacuums and analyses it (PostgreSQL) and counts every
    table."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_dataset")
        cursor.execute("CREATE TABLE bench_dataset (key varchar(40) NOT NULL)")
        cursor.execute("INSERT INTO bench_dataset (key) VALUES (%s)", [key])
    t = time.perf_counter()
    if connection.vendor == "postgresql":
        # As autovacuum does on a database in use (it is off on some machines, this one among
        # them): besides the statistics, the visibility map and the GIN indexes' pending lists
        # merged into the index. A search scans a pending list whole: the facts lookup of the
        # prefecture-wide search took 14 ms over 319 pending pages, 5 ms after VACUUM.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
        timings["analyze"] = time.perf_counter() - t
    else:
        # The planner's statistics (sqlite_stat1), as `PRAGMA optimize` keeps them on a
        # database in use; without them SQLite guesses between indexes.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")
            cursor.execute("PRAGMA journal_mode=DELETE")
        timings["analyze"] = time.perf_counter() - t
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                table = model._meta.db_table
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
                counts[model._meta.label] = cursor.fetchone()[0]
    connection.close()
    return {
        "key": key,
        "seed": seed,
        "size": size_name,
        "backend": "postgresql" if "postgres" in os.environ["BENCH_DATABASE_URL"] else "sqlite",
        "generated_in_s": round(time.perf_counter() - started, 1),
        # CPU time of this process: far below the wall time when the machine is busy.
        "cpu_s": round(time.process_time() - cpu_started, 1),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "skipped_generators": skipped,
        "counts": counts,
        "summary": {
            "municipalities": counts.get("org.Municipality", 0),
            "services": counts.get("resources.Service", 0),
            **{k: v for k, v in counts_extra.items() if k not in ("municipalities", "services")},
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ベンチマーク用の合成データを作成します。")
    parser.add_argument("--size", default="city", choices=[*SIZES, BASE])
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="キャッシュを使わずに作り直す")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--_build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--_key", help=argparse.SUPPRESS)
    parser.add_argument("--_out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._build:
        manifest = build(
            size_name=args.size, seed=args.seed, key=args._key, progress=not args.quiet
        )
        Path(args._out).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        return 0
    t = time.perf_counter()
    if args.size == BASE:
        manifest = _ensure_base(args.backend, progress=not args.quiet)
    else:
        manifest = ensure(
            size=args.size,
            backend=args.backend,
            seed=args.seed,
            force=args.force,
            progress=not args.quiet,
        )
    elapsed = time.perf_counter() - t
    state = "作成" if elapsed > 5 else "キャッシュを利用"
    print(
        f"{args.size} ({args.backend}): {state} {elapsed:.1f} s, "
        + ", ".join(f"{k} {v:,}" for k, v in manifest["summary"].items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
