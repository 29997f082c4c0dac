"""Test settings shared by every app: fast password hashing, factories' fixtures."""

import pytest

# Every log record of the suite is searched for case persons' personal data (tests/log_watch.py).
pytest_plugins = ["tests.log_watch"]


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
