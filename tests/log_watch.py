"""A pytest plugin that captures every log record the application writes during the whole
suite and fails the run if any of them holds a case person's personal data.

Every case saved during the suite (through the forms, the API, the demo or the factories)
registers its person's name, reading, telephone number and contact note; at the end of the
session each captured log record (message, arguments and traceback) is searched for them.
Records are captured at the level production logs at (INFO, `config/settings.py`), from the root
logger and the loggers that do not propagate (django.server, axes). The test tools' own loggers
(factory_boy, Faker) are not the application's and are left out.

Under pytest-xdist each worker captures its own records and values and hands them to the
controller at its end (`workeroutput`); the controller searches them all together, so a value
registered by one worker is found in another worker's logs too.

Registered from the root conftest.py; tests/test_logs.py holds the scenario tests.
"""

from __future__ import annotations

import logging
import unicodedata

import pytest

TOOL_LOGGERS = ("factory", "faker", "hypothesis", "schemathesis", "urllib3", "asyncio")
MIN_LENGTH = 4


class _Watch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.texts: list[tuple[str, str]] = []
        self.formatter_ = logging.Formatter("%(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in TOOL_LOGGERS:
            return
        try:
            text = self.formatter_.format(record)
        except Exception:  # a record that cannot be formatted is kept raw
            text = f"{record.msg!r} {record.args!r}"
        self.texts.append((record.name, text))


_watch = _Watch()
_personal: set[str] = set()


def _remember(sender, instance, **kwargs) -> None:
    for field in ("person_name", "person_name_kana", "contact_phone", "contact_note"):
        value = unicodedata.normalize("NFKC", str(getattr(instance, field, "") or "")).strip()
        if (len(value) >= MIN_LENGTH and not value.isascii()) or _is_phone(value):
            _personal.add(value)


def _is_phone(value: str) -> bool:
    digits = value.replace("-", "")
    return len(digits) >= 10 and digits.isdigit()


def _loggers() -> list[logging.Logger]:
    return [logging.getLogger()] + [
        logging.getLogger(name)
        for name, lg in logging.root.manager.loggerDict.items()
        if isinstance(lg, logging.Logger) and not lg.propagate
    ]


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session) -> None:
    from django.db.models.signals import post_save

    from sasaeai.cases.models import Case

    post_save.connect(_remember, sender=Case, dispatch_uid="log_watch")
    for lg in _loggers():
        lg.addHandler(_watch)


def pytest_runtest_setup(item) -> None:
    # Loggers created since the session began (django.server once a live server starts, axes)
    for lg in _loggers():
        if _watch not in lg.handlers:
            lg.addHandler(_watch)


def leaks() -> list[tuple[str, str, str]]:
    found = []
    for name, text in _watch.texts:
        folded = unicodedata.normalize("NFKC", text)
        for value in _personal:
            if value in folded:
                found.append((name, value, text[:300]))
    return found


def _is_worker(config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    # Controller: a worker's records and values join the controller's (pytest-xdist).
    output = getattr(node, "workeroutput", None) or {}
    _watch.texts.extend(tuple(pair) for pair in output.get("log_watch_texts", ()))
    _personal.update(output.get("log_watch_personal", ()))


def pytest_sessionfinish(session, exitstatus) -> None:
    if _is_worker(session.config):
        session.config.workeroutput["log_watch_texts"] = _watch.texts
        session.config.workeroutput["log_watch_personal"] = sorted(_personal)
        return
    found = leaks()
    session.config._log_watch = (len(_watch.texts), len(_personal), found)
    if found and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    summary = getattr(config, "_log_watch", None)
    if summary is None:
        return
    count, people, found = summary
    if found:
        terminalreporter.section("個人情報がログに出ています (personal data in the logs)", red=True)
        for name, value, text in found[:50]:
            terminalreporter.write_line(f"logger {name}: {value!r} in {text!r}")
    else:
        terminalreporter.write_line(
            f"log watch: {count} log records searched for {people} case persons' personal "
            "values, none found"
        )
