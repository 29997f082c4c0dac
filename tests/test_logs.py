"""No personal data in the logs: every log record written during a realistic session (logins,
a failed login, pages, the API, errors, user administration, tokens) is captured and searched
for the demo people's names, passwords and tokens."""

import logging

import pytest
from django.test import Client

from sasaeai.accounts.demo import DEMO_USERS, TIER2_NAMES
from sasaeai.accounts.models import User
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-password-7731"
NEW_PERSON = "記録 されたくない"


@pytest.fixture
def every_log_record():
    """A handler on the root and on every logger that does not propagate (django.server,
    axes), at DEBUG level."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    loggers = [logging.getLogger()] + [
        logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
    ]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield records
    for lg, level in saved:
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_a_day_of_work_leaves_no_personal_data_in_the_logs(musashino, settings, every_log_record):
    password = settings.DEMO_PASSWORD
    anonymous = Client()
    anonymous.post("/accounts/login/", {"username": "tier1", "password": "wrong-" + password})
    tier1 = Client()
    tier1.post("/accounts/login/", {"username": "tier1", "password": password})
    for path in ("/", "/org/", "/accounts/me/", "/accounts/users/", "/no-such-page/", "/audit/"):
        tier1.get(path)
    tier1.get("/api/v1/me")
    tier1.get("/api/v1/areas?page_size=100")
    tier1.get("/api/v1/users")
    created = tier1.post("/accounts/me/tokens/", {"name": "集計"})
    plain = created.context["plain"]
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}")
    Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}x")

    admin = Client()
    admin.post("/accounts/login/", {"username": "admin", "password": password})
    area = Area.objects.get(name="境南エリア")
    admin.post(
        "/accounts/users/new/",
        {
            "username": "newperson",
            "display_name": NEW_PERSON,
            "role": "tier2",
            "areas": [area.pk],
            "password": NEW_PASSWORD,
        },
    )
    target = User.objects.get(username="newperson")
    admin.post(f"/accounts/users/{target.pk}/password/", {"password": NEW_PASSWORD + "x"})
    admin.get("/audit/?q=tier1")
    admin.get("/api/v1/users?page_size=100")
    admin.post("/accounts/logout/")

    assert every_log_record, "the flow should have logged something (403/404 warnings at least)"
    forbidden = [password, NEW_PASSWORD, plain, NEW_PERSON]
    forbidden += [name for _, name, _ in DEMO_USERS] + TIER2_NAMES
    problems = []
    for record in every_log_record:
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        for value in forbidden:
            if value and value in text:
                problems.append(f"{record.name} {record.levelname}: {value!r} in {text[:200]!r}")
    print(f"log records checked: {len(every_log_record)}")
    assert not problems, "\n".join(problems)


def test_the_suite_wide_log_watch_notices_a_case_persons_name_in_a_log_record(db):
    """tests/log_watch.py searches every log record of the whole suite; it must notice a
    case person's name or telephone number written to an application logger."""
    from sasaeai.cases.tests.factories import CaseFactory
    from tests import log_watch

    case = CaseFactory(person_name="記録 花子", contact_phone="0422-60-1234")
    before = len(log_watch._watch.texts)
    logger = logging.getLogger("sasaeai.cases")
    logger.warning("相談者 %s から電話", case.person_name)
    logger.warning("連絡先 %s", case.contact_phone)
    try:
        found = {value for _name, value, _text in log_watch.leaks()}
        assert "記録 花子" in found
        assert "0422-60-1234" in found
    finally:
        # The planted records are this test's own; the session check must not see them.
        del log_watch._watch.texts[before:]
    assert not log_watch.leaks()
