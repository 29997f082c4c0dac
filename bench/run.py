"""`make bench` / `make bench-postgres`: every benchmark at every size, one table.

    python -m bench.run [--backend sqlite|postgres] [--sizes city,prefecture] [--stress]

Each size runs in its own process (bench.measure), which builds or reuses the dataset and
starts its own gunicorn. The table is printed and written to bench/out/bench-<backend>.md and
.json (bench/out/ is not committed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

from bench import report
from bench.generate import DEFAULT_SEED
from bench.sizes import DEFAULT_SIZES

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ベンチマークをすべて実行し、表にまとめます。")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--sizes", default=",".join(DEFAULT_SIZES))
    parser.add_argument(
        "--stress", action="store_true", help="10倍の規模も計測する（時間がかかる）"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--throughput-seconds", type=float, default=10)
    parser.add_argument("--load-seconds", type=float, default=60)
    parser.add_argument("--only", help="計測する操作のキー（カンマ区切り）")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    sizes = [s for s in args.sizes.split(",") if s]
    if args.stress and "stress" not in sizes:
        sizes.append("stress")
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = []
    for index, size in enumerate(sizes):
        out = OUT / f"results-{args.backend}-{size}.json"
        out.unlink(missing_ok=True)
        command = [
            sys.executable,
            "-m",
            "bench.measure",
            "--size",
            size,
            "--backend",
            args.backend,
            "--seed",
            str(args.seed),
            "--requests",
            str(args.requests),
            "--clients",
            str(args.clients),
            "--throughput-seconds",
            str(args.throughput_seconds),
            "--out",
            str(out),
        ]
        # The 50-user load test runs once per backend, at the largest size of the run.
        if index == len(sizes) - 1:
            command += ["--load-seconds", str(args.load_seconds)]
        if args.only:
            command += ["--only", args.only]
        if args.quiet:
            command.append("--quiet")
        print(f"== {args.backend} / {size}", file=sys.stderr, flush=True)
        subprocess.run(command, cwd=ROOT, check=True)
        results.append(json.loads(out.read_text(encoding="utf-8")))

    # A run without the city size (make bench-postgres SIZES=national) compares with the city
    # size of the latest run that had it, so that the growth column is still printed.
    reference = []
    earlier = OUT / f"results-{args.backend}-city.json"
    if "city" not in sizes and earlier.exists():
        reference.append(json.loads(earlier.read_text(encoding="utf-8")))
    entries = report.table_rows(results, reference)
    notes = report.footnotes(results, reference)
    # Import of a 10,000-row Excel file (issue 4), through the import command on a fresh database.
    import_failed = False
    if not args.only or "import" in args.only.split(","):
        print(f"== {args.backend} / import", file=sys.stderr, flush=True)
        imported = subprocess.run(
            [sys.executable, "-m", "bench.import_rows", "--backend", args.backend],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        lines = imported.stdout.strip().splitlines()
        if imported.returncode == 0 and lines:
            notes.append(lines[0])
            results.append({"import": json.loads(lines[-1])})
        else:
            notes.append(f"import of 10,000 rows: ERROR ({imported.stderr.strip()[-300:]})")
            import_failed = True
    elapsed = time.perf_counter() - started
    title = (
        f"Sasaeai benchmark, {args.backend}, {', '.join(sizes)} "
        f"({dt.datetime.now():%Y-%m-%d %H:%M}, {elapsed / 60:.1f} min)"
    )
    text = "\n".join([title, "", report.text_table(entries), "", *notes])
    print(text)
    markdown = "\n".join(
        [f"## {title}", "", report.markdown_table(entries), "", *[f"- {n}" for n in notes], ""]
    )
    (OUT / f"bench-{args.backend}.md").write_text(markdown, encoding="utf-8")
    (OUT / f"bench-{args.backend}.json").write_text(
        json.dumps(
            {"title": title, "elapsed_s": round(elapsed, 1), "results": results},
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    failed = [e for e in entries if e["result"] in ("ERROR", "FAIL")]
    return 1 if failed or import_failed else 0


if __name__ == "__main__":
    sys.exit(main())
