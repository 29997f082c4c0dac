"""`sasaeai report` from the shell: every format to a file, bad options explained, audited."""

import io

import pytest
from django.core.management import CommandError, call_command

from sasaeai.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("fmt", "magic"),
    [
        ("pdf", b"%PDF"),
        ("xlsx", b"PK"),
        ("docx", b"PK"),
        ("csv", "\ufeff".encode()),
        ("html", b"<!doctype"),
    ],
)
def test_each_format_to_a_file(musashino, tmp_path, fmt, magic):
    target = tmp_path / f"report.{fmt}"
    call_command(
        "report",
        "--fiscal-year",
        "2015",
        "--half",
        "first",
        "--scope",
        "municipality",
        "--format",
        fmt,
        "-o",
        str(target),
        stderr=io.StringIO(),
    )
    assert target.read_bytes().startswith(magic)
    event = AuditEvent.objects.get(action="export")
    assert "コマンド" in event.summary and "平成27年度上半期" in event.summary


def test_scopes_and_periods(musashino, tmp_path):
    target = tmp_path / "r.csv"
    call_command(
        "report",
        "--month",
        "2015-06",
        "--scope",
        "area:境南エリア",
        "--format",
        "csv",
        "-o",
        str(target),
        "--municipality",
        "132039",
        stderr=io.StringIO(),
    )
    text = target.read_bytes().decode("utf-8-sig")
    assert "平成27年6月,境南エリア" in text
    call_command(
        "report",
        "--from",
        "2015-04-01",
        "--to",
        "2015-04-30",
        "--scope",
        "coordinator:tier1",
        "--format",
        "csv",
        "-o",
        str(target),
        stderr=io.StringIO(),
    )
    assert "横山 美江" in target.read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--half", "first"], "期間を指定してください"),
        (["--fiscal-year", "2015", "--scope", "area:どこか"], "見つかりません"),
        (["--fiscal-year", "2015", "--municipality", "999999"], "登録されていません"),
    ],
)
def test_bad_options_are_explained(musashino, options, message):
    with pytest.raises(CommandError) as caught:
        call_command("report", *options, "--format", "csv", "-o", "/dev/null")
    assert message in str(caught.value)
