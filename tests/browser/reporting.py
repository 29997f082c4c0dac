"""What the browser tests report at the end of a run: why browser tests were skipped, and the
axe-core summary line with every check in artifacts/axe/report.json.

It lives beside the browser conftest but is registered from the root conftest.py, so that it
runs in the process that prints: under pytest-xdist the controller loads no conftest below
the test paths, and each worker hands its axe runs to the controller (`workeroutput`), which
writes the one report.
"""

from __future__ import annotations

import pytest

from . import harness


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


def pytest_sessionfinish(session) -> None:
    if _is_worker(session.config):
        session.config.workeroutput["axe_runs"] = harness.AXE_RUNS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    harness.AXE_RUNS.extend((getattr(node, "workeroutput", None) or {}).get("axe_runs", ()))


def pytest_terminal_summary(terminalreporter, config) -> None:
    if _is_worker(config):
        return
    # Say why browser tests did not run, even without -rs: skipped is never passed.
    reasons = {
        str(report.longrepr[2])
        for report in terminalreporter.stats.get("skipped", [])
        if "browser" in report.keywords and isinstance(report.longrepr, (tuple, list))
    }
    for reason in sorted(reasons):
        terminalreporter.write_line(f"browser tests skipped: {reason}")
    path = harness.write_axe_report()
    if not harness.AXE_RUNS:
        return
    failing = sum(
        1
        for run in harness.AXE_RUNS
        for v in run["violations"]
        if v["impact"] in harness.FAILING_IMPACTS
    )
    minor = sum(
        1
        for run in harness.AXE_RUNS
        for v in run["violations"]
        if v["impact"] not in harness.FAILING_IMPACTS
    )
    terminalreporter.write_line(
        f"axe-core: {len(harness.AXE_RUNS)} page checks, {failing} serious/critical, "
        f"{minor} moderate/minor violations (report: {path.relative_to(harness.ROOT)})"
    )
