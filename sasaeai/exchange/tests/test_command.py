"""`sasaeai import-resources`: the preview, the question, --yes, --dry-run, and errors that
exit non-zero with a Japanese message and write nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sasaeai.audit.models import AuditEvent
from sasaeai.exchange.fields import TEMPLATE_HEADERS
from sasaeai.exchange.tests.helpers import csv_bytes, template_row, xlsx_bytes
from sasaeai.resources.models import Service


def _file(tmp_path, rows, name="資源.xlsx", maker=xlsx_bytes):
    path = tmp_path / name
    path.write_bytes(maker(rows))
    return str(path)


ROWS = [
    TEMPLATE_HEADERS,
    template_row(名称="ふれあいサロン桜堤", 町="桜堤", 開催日時="第2・4水曜 13:30-15:30"),
    template_row(名称="健康麻雀の会", 町="境南町", 開催日時="月2回(不定期)"),
]


def _run(*args, answer=None, monkeypatch=None):
    out, err = io.StringIO(), io.StringIO()
    if answer is not None:
        monkeypatch.setattr("builtins.input", lambda prompt: answer)
    call_command("import-resources", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_preview_is_shown_and_the_answer_decides(musashino, tmp_path, monkeypatch):
    path = _file(tmp_path, ROWS)
    out, _ = _run(path, "--user", "tier1", answer="n", monkeypatch=monkeypatch)
    assert "新規登録 2件" in out
    assert "取り込みを中止しました" in out
    assert Service.objects.count() == 0
    out, err = _run(path, "--user", "tier1", answer="y", monkeypatch=monkeypatch)
    assert "取り込みました: 新規登録 2件" in out
    assert "書き込み" in err  # the progress bar
    assert Service.objects.count() == 2
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_yes_writes_without_asking_and_a_second_run_changes_nothing(
    musashino, tmp_path, monkeypatch
):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    path = _file(tmp_path, ROWS, name="資源.csv", maker=lambda r: csv_bytes(r, encoding="cp932"))
    out, _ = _run(path, "--user", "tier1", "--yes")
    assert "新規登録 2件" in out
    out, _ = _run(path, "--user", "tier1", "--yes", "--no-progress")
    assert "取り込みました: 新規登録 0件・更新 0件・変更なし 2件" in out
    assert Service.objects.count() == 2


def test_dry_run_writes_nothing(musashino, tmp_path):
    out, _ = _run(_file(tmp_path, ROWS), "--user", "tier1", "--dry-run")
    assert "何も登録していません" in out
    assert Service.objects.count() == 0


def test_errors_exit_non_zero_with_japanese_and_write_nothing(musashino, tmp_path):
    rows = [*ROWS, template_row(名称="どこかのサロン", 町="存在しない町")]
    path = _file(tmp_path, rows)
    with pytest.raises(CommandError, match="エラーのある行が1行あるため"):
        _run(path, "--user", "tier1", "--yes")
    assert Service.objects.count() == 0
    out, _ = _run(path, "--user", "tier1", "--yes", "--only-valid")
    assert "新規登録 2件" in out


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "ファイルが空です"),
        (b'{"hello": 1}', "x.json", "HSDS"),
        ("名称,町\n".encode(), "headers.csv", "見出しの行しかありません"),
    ],
)
def test_bad_files_exit_non_zero(musashino, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _run(str(path), "--user", "tier1", "--yes")
    assert Service.objects.count() == 0


def test_a_user_who_may_not_import_is_refused(musashino, tmp_path):
    with pytest.raises(CommandError, match="取り込む権限がありません"):
        _run(_file(tmp_path, ROWS), "--user", "tier2-1", "--yes")
    with pytest.raises(CommandError, match="見つかりません"):
        _run(str(tmp_path / "nothing.xlsx"), "--user", "tier1")


def test_map_names_a_header_the_importer_does_not_know(musashino, tmp_path):
    rows = [["サロン名", "所在町"], ["いきいき体操", "桜堤"]]
    path = _file(tmp_path, rows, name="x.csv", maker=csv_bytes)
    out, _ = _run(path, "--user", "tier1", "--yes", "--map", "所在町=町")
    assert "新規登録 1件" in out
    assert Service.objects.get(name="いきいき体操").town.name == "桜堤"
