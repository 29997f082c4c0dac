"""How pytest-xdist shares the suite between workers (make test: -n auto --dist loadgroup):
test by test, except that each browser journey's file is one unit that runs on one worker.

A journey numbers its screenshots within one process and empties its folder the first time it
takes one (tests/browser/harness.py): split over two workers, the second would delete the
first one's screenshots and the numbers would collide. xdist's own way to keep tests together,
the xdist_group mark, stopped working with pytest 9.2 (xdist 3.8.0 renames the tests' node ids
to carry the group, which pytest no longer lets it do: pytest-xdist issue 1386), so the
grouping is decided here from the node id, which needs no mark.

The units go out in the order pytest-django sorted the tests: every test that runs in a
transaction of its own (browser journeys, backup, serialized rollback) after all the others,
because such a test ends by emptying its worker's database, rows that data migrations seeded
(categories, target groups, topics) included. xdist's own habit of sending the biggest units
first (--loadscope-reorder, its default) put the journeys' files first, and every ordinary test
after them on that worker found no categories: it is switched off here.

Registered from the root conftest.py (the controller, which schedules, loads no other conftest).
"""

from __future__ import annotations

import pytest

BROWSER_TESTS = "tests/browser/"


def scope_of(nodeid: str) -> str | None:
    """The unit a test is scheduled with: its file for a browser test, else None (alone)."""
    path = nodeid.split("::", 1)[0]
    return path if path.startswith(BROWSER_TESTS) else None


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    # Keep pytest-django's order (transactional tests last), not biggest unit first.
    config.option.loadscopereorder = False

    class JourneyFileScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return scope_of(nodeid) or super()._split_scope(nodeid)

    return JourneyFileScheduling(config, log)
