"""The one table of `make bench`: every operation at every size, with its floor, ratio, cost
growth and target; as text for the terminal and as Markdown and JSON under bench/out/."""

from __future__ import annotations

import math
import unicodedata

from bench.sizes import SIZES

COLUMNS = [
    ("operation", "operation"),
    ("size", "data size"),
    ("backend", "backend"),
    ("n", "n"),
    ("p50", "p50 ms"),
    ("p95", "p95 ms"),
    ("floor", "floor ms"),
    ("ratio", "ratio"),
    ("cpu", "cpu ms"),
    ("queries", "queries"),
    ("rps", "req/s"),
    ("growth", "vs city"),
    ("target", "target"),
    ("result", "result"),
]


def _num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}" if isinstance(value, float) else f"{value:,}"


def data_factor(scope: str, size: str) -> float:
    """How much more data an operation of this scope reads at `size` than at the city size."""
    base, other = SIZES["city"], SIZES[size]
    if scope == "prefecture":
        return other.services / base.services
    return other.home_services / base.home_services


def verdict(row: dict) -> str:
    if row.get("kind") == "load":
        # Issue 9: zero errors and every record written exactly once.
        return "OK" if not row.get("errors") and row.get("exactly_once") else "FAIL"
    if row.get("error") or row.get("errors"):
        return "ERROR"
    target = row.get("target")
    if not target or row.get("p95_ms") is None:
        return ""
    ok = True
    if target.get("p95_ms") is not None and row["p95_ms"] > target["p95_ms"]:
        ok = False
    if target.get("ratio") is not None and (row.get("ratio") or 0) > target["ratio"]:
        ok = False
    word = "OK" if ok else "MISS"
    return word if target.get("binding") else f"({word})"


def target_text(row: dict) -> str:
    target = row.get("target")
    if not target:
        return ""
    parts = []
    if row.get("kind") == "load":
        parts.append("0 errors, once")
    if target.get("p95_ms") is not None:
        parts.append(f"p95<{target['p95_ms']:g}")
    if target.get("ratio") is not None:
        parts.append(f"ratio<{target['ratio']:g}")
    return " ".join(parts)


# Issue 26: a municipality-scoped operation may cost at most this much more in a database that
# hosts other municipalities too (p50 against the one-city size).
HOSTED_GROWTH_LIMIT = 1.2


def cost_notes(results: list[dict]) -> tuple[dict[tuple, str], list[str]]:
    """Growth of each operation's p50 from the city size, and notes where it is worse than
    the growth of the data it reads: a municipality-scoped operation whose city's data did not
    grow must stay within ×1.2 (issue 26); the note gives the growth of the workers' CPU per
    request beside it, which the machine's load moves far less than the latencies."""
    city = {}
    city_cpu = {}
    for result in results:
        if result["size"] == "city":
            for row in result["rows"]:
                if row["kind"] == "latency" and row.get("p50_ms"):
                    city[(result["backend"], row["key"])] = row["p50_ms"]
                    if row.get("cpu_ms"):
                        city_cpu[(result["backend"], row["key"])] = row["cpu_ms"]
    growth: dict[tuple, str] = {}
    notes: list[str] = []
    for result in results:
        if result["size"] == "city":
            continue
        for row in result["rows"]:
            base = city.get((result["backend"], row["key"]))
            if row["kind"] != "latency" or not base or not row.get("p50_ms"):
                continue
            factor = data_factor(row.get("scope", "municipality"), result["size"])
            times = row["p50_ms"] / base
            growth[(result["backend"], result["size"], row["key"])] = f"×{times:.2f}"
            base_cpu = city_cpu.get((result["backend"], row["key"]))
            cpu = f", cpu ×{row['cpu_ms'] / base_cpu:.2f}" if base_cpu and row.get("cpu_ms") else ""
            if row["key"] == "minimal":
                continue
            if factor <= 1 and times > HOSTED_GROWTH_LIMIT:
                notes.append(
                    f"{row['key']} ({result['backend']}, {result['size']}): p50 ×{times:.2f}{cpu} "
                    f"although the city's own data did not grow (limit ×{HOSTED_GROWTH_LIMIT}): "
                    "other municipalities' rows are read (a missing index on the municipality, "
                    "a query outside the scope, a cache keyed wrongly), or the machine's load."
                )
            elif factor > 1 and times > 2 and math.log(times) > 1.2 * math.log(factor):
                notes.append(
                    f"{row['key']} ({result['backend']}, {result['size']}): p50 ×{times:.1f} "
                    f"for ×{factor:g} data: worse than linear (a missing index or an N+1 query)."
                )
    return growth, notes


def table_rows(results: list[dict], reference: list[dict] = ()) -> list[dict]:
    # `reference`: the city size of an earlier run, for the growth column of a run without it.
    growth, _ = cost_notes([*reference, *results])
    out = []
    for result in results:
        backend, size = result["backend"], result["size"]
        for row in result["rows"]:
            entry = {
                "operation": row["label"],
                "key": row["key"],
                "size": size,
                "backend": backend,
                "n": row.get("n"),
                "p50": row.get("p50_ms"),
                "p95": row.get("p95_ms"),
                "floor": row.get("floor_p50_ms"),
                "ratio": row.get("ratio"),
                "cpu": row.get("cpu_ms"),
                "queries": row.get("queries"),
                "rps": row.get("rps"),
                "growth": growth.get((backend, size, row["key"]), ""),
                "target": target_text(row),
                "result": verdict(row),
            }
            if row["kind"] == "throughput":
                entry["operation"] = f"throughput: {row['label']}"
                entry["floor"] = None
                entry["floor_text"] = (
                    f"min {row['baseline_rps']:,.0f}/s" if row.get("baseline_rps") else "—"
                )
            if row.get("error"):
                entry["result"] = "ERROR"
            out.append(entry)
    return out


def _cell(entry: dict, key: str) -> str:
    if key == "floor" and "floor_text" in entry:
        return entry["floor_text"]
    value = entry.get(key)
    if key in ("p50", "p95", "floor", "cpu"):
        return _num(value, 1)
    if key == "ratio":
        return "—" if value is None else f"{value:.1f}×"
    if key == "rps":
        return "" if value is None else _num(value, 0)
    if key in ("n", "queries"):
        return "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
    return "" if value is None else str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - _width(text))
    return space + text if right else text + space


def text_table(entries: list[dict]) -> str:
    numeric = {"n", "p50", "p95", "floor", "ratio", "cpu", "queries", "rps", "growth"}
    cells = [[title for _, title in COLUMNS]]
    cells += [[_cell(e, key) for key, _ in COLUMNS] for e in entries]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = []
    for index, row in enumerate(cells):
        lines.append(
            "  ".join(
                _pad(cell, widths[i], COLUMNS[i][0] in numeric and index > 0)
                for i, cell in enumerate(row)
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(entries: list[dict]) -> str:
    numeric = {"n", "p50", "p95", "floor", "ratio", "cpu", "queries", "rps", "growth"}
    head = "| " + " | ".join(title for _, title in COLUMNS) + " |"
    rule = "|" + "|".join("---:" if key in numeric else "---" for key, _ in COLUMNS) + "|"
    body = [
        "| " + " | ".join(_cell(e, key).replace("|", "\\|") for key, _ in COLUMNS) + " |"
        for e in entries
    ]
    return "\n".join([head, rule, *body])


def _data_time(dataset: dict) -> str:
    """How long the dataset took: built in this run, or reused from an earlier one."""
    built = dataset.get("built_this_run_s")
    if built is not None and built < 5:
        return f"data reused (built earlier in {dataset.get('generated_in_s', 0):.0f} s)"
    cpu = dataset.get("generated_cpu_s")
    return f"data built in {built or dataset.get('generated_in_s', 0):.0f} s" + (
        f" (generator CPU {cpu:.0f} s)" if cpu is not None else ""
    )


def footnotes(results: list[dict], reference: list[dict] = ()) -> list[str]:
    lines = []
    for result in results:
        data = result.get("dataset", {}).get("summary", {})
        sizes = ", ".join(f"{k} {v:,}" for k, v in data.items())
        lines.append(
            f"{result['backend']} {result['size']}: {sizes}; peak RSS per worker "
            f"{', '.join(f'{v:g}' for v in result.get('workers_peak_rss_mib', []))} MiB; "
            f"{_data_time(result.get('dataset', {}))}; "
            f"measured in {result.get('measured_in_s', 0):.0f} s; load average "
            f"{'→'.join(str(x) for x in result.get('loadavg', []))} on {result.get('cpus')} cores"
        )
        load = result.get("load_test")
        if load:
            lines.append(
                f"  load test ({load['users']} users, {load['seconds']} s): {load['written']} "
                f"records, {load['errors']} errors, missing {load['missing']}, duplicates "
                f"{load['duplicates']}, exactly once: {'yes' if load['exactly_once'] else 'NO'}"
            )
        broken = [
            f"{row['key']} ({row['floor_error_sample'][0] if row.get('floor_error_sample') else ''})"
            for row in result["rows"]
            if row.get("floor_errors")
        ]
        if broken:
            lines.append("  floor replay errors (the floor is then partial): " + ", ".join(broken))
        errors = [
            f"{row['key']}: {row['error'][:200]}" for row in result["rows"] if row.get("error")
        ]
        if errors:
            lines.append("  errors: " + "; ".join(errors))
        if result.get("skipped_operations"):
            lines.append(
                "  not yet measurable (the feature is not in the code): "
                + ", ".join(result["skipped_operations"])
            )
    for result in reference:
        lines.append(
            f"vs city: against the {result['backend']} city size of an earlier run "
            f"(bench/out/results-*-city.json, load average "
            f"{'→'.join(str(x) for x in result.get('loadavg', []))})"
        )
    _, notes = cost_notes([*reference, *results])
    lines += [f"cost: {n}" for n in notes] or ["cost: no operation grows worse than its data."]
    return lines
