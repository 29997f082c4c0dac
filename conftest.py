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
