"""Test settings shared by every app: fast password hashing, factories' fixtures."""

import pytest

# Every log record of the suite is searched for case persons' personal data (tests/log_watch.py);
# the browser tests' end-of-run report (tests/browser/reporting.py); how pytest-xdist shares the
# tests between workers (tests/xdist_schedule.py). They are registered here so that they also
# run in pytest-xdist's controller, which loads no conftest below this one.
pytest_plugins = ["tests.log_watch", "tests.browser.reporting", "tests.xdist_schedule"]


@pytest.fixture(autouse=True)
def _fast_tests(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _runs_in_a_transaction_of_its_own(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _seeded_rows_present(request):
    """Every ordinary database test starts with the rows data migrations seed (categories,
    target groups, topics, themes). A test that runs in a transaction of its own empties its
    worker's database when it ends; if one ran before an ordinary test on the same worker, say
    so here rather than as a puzzling DoesNotExist deep in a fixture."""
    uses_db = request.node.get_closest_marker("django_db") is not None or "db" in (
        request.fixturenames
    )
    if not uses_db or _runs_in_a_transaction_of_its_own(request):
        return
    request.getfixturevalue("db")
    from sasaeai.activities.models import ConsultationTopic
    from sasaeai.resources.models import Category, TargetGroup

    missing = [
        model._meta.verbose_name
        for model in (Category, TargetGroup, ConsultationTopic)
        if not model.objects.exists()
    ]
    if missing:
        pytest.fail(
            f"seeded rows missing ({', '.join(map(str, missing))}): a transactional test "
            "emptied this worker's database before this test (see tests/xdist_schedule.py)"
        )


@pytest.fixture
def musashino(db):
    """The demo organisation (Musashino, six areas) and its demo users."""
    from sasaeai.accounts import demo as accounts_demo
    from sasaeai.councils import demo as councils_demo
    from sasaeai.org import demo as org_demo

    municipality = org_demo.load()
    councils_demo.load(municipality)
    accounts_demo.load(municipality)
    return municipality
