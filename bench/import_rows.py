"""Import of a 10,000-row Excel file (issue 4): preview plus commit, through the command users
run (`manage.py import-resources FILE --yes`), on a fresh database of the chosen backend.

    python -m bench.import_rows [--backend sqlite|postgres] [--rows 10000]

The database gets the migrations and Musashino's demo (towns, users, the 80 demo resources,
which the import checks each row against for duplicates). The file is the template's shape
(every column of the export, Japanese headers): the demo resources exported with the exchange
app's own Excel builder and repeated with numbered names and external ids until it holds the
rows asked for, so that it carries what real sheets carry (towns, addresses, schedules written
as text, fees, phones, era dates). The command runs in its own process; its wall time, the
process's CPU time and rows per second are printed as one line of JSON after the table, and
the rows written are counted afterwards, and the command's own peak resident memory (ru_maxrss
of its process) is reported. The import runs with DEBUG=0, as deployed. Targets: under 30 s
for 10,000 rows; under 500 MB peak for 50,000 rows (`--rows 50000`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_S = 30.0
PEAK_LIMIT_MB = 500  # a 50,000-row file (issue 20)


def _database_url(backend: str, base: str) -> str:
    if backend == "sqlite":
        path = OUT / "import-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    # One database per checkout, so that two clones measuring at once do not drop each other's.
    name = os.environ.get("BENCH_IMPORT_DB") or "bench_import_" + "".join(
        c if c.isalnum() else "_" for c in ROOT.name.lower()
    )
    with psycopg.connect(base.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return base.rstrip("/") + f"/{name}"


def _manage(env: dict, *args: str, quiet: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=quiet,
        text=True,
    )


BUILD = r"""
import sys
from io import BytesIO
from openpyxl import Workbook, load_workbook
from sasaeai.exchange.exports import export_xlsx
from sasaeai.org.models import Municipality
from sasaeai.resources.models import Service

rows_wanted, path = int(sys.argv[1]), sys.argv[2]
municipality = Municipality.objects.get(code="132039")
services = Service.objects.filter(municipality=municipality).order_by("pk")
book = load_workbook(BytesIO(export_xlsx(services, municipality_code=municipality.code)))
sheet = book.worksheets[0]
rows = [list(r) for r in sheet.iter_rows(values_only=True)]
header_row = next(i for i, r in enumerate(rows) if "名称" in r)
headers, body = rows[header_row], [r for r in rows[header_row + 1:] if any(r)]
name_col, id_col = headers.index("名称"), headers.index("外部ID")
kana_col = headers.index("ふりがな") if "ふりがな" in headers else None
out = Workbook(write_only=True)
ws = out.create_sheet("社会資源")
ws.append(headers)
for n in range(rows_wanted):
    row = list(body[n % len(body)])
    copy = n // len(body) + 1
    row[name_col] = f"{row[name_col]}（{copy}）"
    row[id_col] = f"BENCH-{n + 1:06d}"
    if kana_col is not None and row[kana_col]:
        row[kana_col] = f"{row[kana_col]}{copy}"
    ws.append(row)
out.save(path)
print(len(body))
"""


# Runs manage.py in this process and reports the process's own peak resident memory (ru_maxrss,
# KiB on Linux) on stderr, so that the figure is the import's alone (not the set-up's). On
# PostgreSQL (a server on this machine) it also reports the CPU seconds of the server process
# that served the import's connection (/proc/PID/stat), which the command's own CPU leaves out
# and which, unlike wall time, does not grow with the machine's load.
PEAK_WRAPPER = r"""
import os, resource, runpy, sys, threading, time
sys.argv = ["manage.py", *sys.argv[1:]]
server = {"pid": None, "ticks": 0}


def _server_ticks(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _watch():
    # The command closes its connection before it ends: read the server process's CPU
    # while it lives, the last reading being its total.
    while True:
        if server["pid"]:
            try:
                server["ticks"] = _server_ticks(server["pid"])
            except OSError:
                pass
        time.sleep(0.2)


def _noted(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and server["pid"] is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            server["pid"] = cursor.fetchone()[0]


threading.Thread(target=_watch, daemon=True).start()
from django.db.backends.signals import connection_created

connection_created.connect(_noted)
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    print(f"PEAK_RSS_KIB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
    if server["pid"]:
        time.sleep(0.5)
        print(f"SERVER_CPU_S={server['ticks'] / os.sysconf('SC_CLK_TCK'):.2f}", file=sys.stderr)
"""


def _peak_mb(stderr: str) -> float | None:
    for line in reversed(stderr.splitlines()):
        if line.startswith("PEAK_RSS_KIB="):
            return int(line.split("=", 1)[1]) / 1024
    return None


def _server_cpu_s(stderr: str) -> float | None:
    for line in reversed(stderr.splitlines()):
        if line.startswith("SERVER_CPU_S="):
            return float(line.split("=", 1)[1])
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="1万行のExcelの取り込み（確認＋書き込み）を計測します。"
    )
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432"),
    )
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)

    env = {**os.environ, "DATABASE_URL": _database_url(args.backend, args.postgres_url)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    started = time.perf_counter()
    _manage(env, "migrate", "--noinput")
    _manage(env, "demo")
    setup_s = time.perf_counter() - started

    path = OUT / f"import-{args.rows}.xlsx"
    _manage(
        env,
        "shell",
        "--no-imports",
        "-c",
        f"import sys; sys.argv = ['', '{args.rows}', '{path}']\n{BUILD}",
    )
    count = (
        "from sasaeai.resources.models import Service; "
        "print(Service.objects.filter(external_id__startswith='BENCH-').count())"
    )

    # The import runs as in production (DEBUG=0): with DEBUG on, Django keeps the last 9,000
    # queries with their parameters written into them (large for bulk INSERTs), memory a
    # deployment never holds.
    import_env = {**env, "DEBUG": "0", "DJANGO_SECRET_KEY": "bench-import-rows-not-a-secret"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK_WRAPPER,
            "import-resources",
            str(path),
            "--yes",
            "--no-progress",
            "--user",
            "admin",
        ],
        cwd=ROOT,
        env=import_env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    peak_mb = _peak_mb(result.stderr)
    server_cpu = _server_cpu_s(result.stderr)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        print(result.stdout[-2000:], result.stderr[-2000:], file=sys.stderr)
        print(f"import-resources が失敗しました（終了コード {result.returncode}）", file=sys.stderr)
        return 1
    written = int(
        _manage(env, "shell", "--no-imports", "-c", count).stdout.strip().splitlines()[-1]
    )
    load = os.getloadavg()[0]
    verdict = "ok" if wall < TARGET_S else "MISS"
    server = f"database server CPU {server_cpu:.1f} s, " if server_cpu is not None else ""
    print(
        f"import of {args.rows:,} rows ({args.backend}): preview + commit {wall:.1f} s "
        f"({args.rows / wall:,.0f} rows/s), command CPU {cpu:.1f} s, {server}"
        f"{written:,} rows written, peak RSS {peak_mb or 0:,.0f} MB "
        f"(limit {PEAK_LIMIT_MB} MB), target {TARGET_S:.0f} s: {verdict} "
        f"(database setup {setup_s:.0f} s; load average {load:.1f})"
    )
    print(
        json.dumps(
            {
                "operation": f"import_{args.rows}",
                "backend": args.backend,
                "rows": args.rows,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "server_cpu_s": server_cpu,
                "rows_per_s": round(args.rows / wall),
                "written": written,
                "target_s": TARGET_S,
                "result": verdict,
                "peak_rss_mb": round(peak_mb, 1) if peak_mb is not None else None,
                "peak_limit_mb": PEAK_LIMIT_MB,
                "load": round(load, 1),
            },
            ensure_ascii=False,
        )
    )
    return 0 if written == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
