"""`sasaeai backup` and `sasaeai restore` round-trip the demo installation: every table, every
row; a damaged or altered backup is refused before anything is touched."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sasaeai.accounts.models import User
from sasaeai.core import backup
from sasaeai.org.models import Area
from sasaeai.site.demo import load_demo

# serialized_rollback: the flush after each test would otherwise drop the taxonomy rows that
# migrations seed, which the demo needs.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    tables = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(("sqlite_", "resources_search")):  # internal / FTS shadow tables
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            tables[table] = sorted(cursor.fetchall(), key=repr)
    return tables


def test_round_trip_of_the_demo_data(tmp_path, capsys):
    load_demo()
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    target = tmp_path / "nightly.backup"
    call_command("backup", output=str(target))
    out = capsys.readouterr().out
    assert "バックアップしました" in out and target.exists()
    sums = (tmp_path / "nightly.backup.sha256").read_text()
    assert sums == f"{backup.sha256_of(target)}  nightly.backup\n"

    # Life goes on after the backup…
    Area.objects.filter(name="境南エリア").update(name="書き換えた名前")
    User.objects.create_user(username="after-backup", password="x" * 20)
    assert snapshot() != before

    call_command("restore", str(target), yes=True)
    assert "復元しました" in capsys.readouterr().out
    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


def test_altered_backup_is_refused_and_nothing_changes(tmp_path):
    load_demo()
    target = tmp_path / "b.backup"
    call_command("backup", output=str(target))
    Area.objects.filter(name="境南エリア").update(name="変更後")
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="チェックサムが一致しません"):
        call_command("restore", str(target), yes=True)
    assert Area.objects.filter(name="変更後").exists()


def test_missing_checksum_is_refused(tmp_path):
    target = tmp_path / "b.backup"
    call_command("backup", output=str(target))
    backup.checksum_path(target).unlink()
    with pytest.raises(CommandError, match="チェックサムファイル"):
        call_command("restore", str(target), yes=True)


def test_restore_asks_before_replacing(tmp_path, monkeypatch):
    target = tmp_path / "b.backup"
    call_command("backup", output=str(target))
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="取りやめました"):
        call_command("restore", str(target))


def test_default_name_is_dated_under_backup_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BACKUP_DIR", str(tmp_path))
    call_command("backup")
    written = [p for p in tmp_path.iterdir() if not p.name.endswith(".sha256")]
    assert len(written) == 1 and written[0].name.startswith("sasaeai-")
    assert backup.checksum_path(written[0]).exists()


# --- PostgreSQL client versions (no database needed: the choice is a pure function) ----------


def _fake_tool(folder, name: str, version: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)
    return str(tool)


def test_pg_dump_at_least_as_new_as_the_server_is_chosen(tmp_path):
    old = _fake_tool(tmp_path / "13", "pg_dump", "13.9")
    new = _fake_tool(tmp_path / "16", "pg_dump", "16.4 (Debian 16.4-1)")
    assert backup.tool_major(new) == 16
    assert backup.choose_pg_tool("pg_dump", 15, [old, new]) == new
    assert backup.choose_pg_tool("pg_dump", 13, [old, new]) == old


def test_only_older_pg_dump_is_refused_in_japanese(tmp_path):
    old = _fake_tool(tmp_path / "13", "pg_dump", "13.9")
    with pytest.raises(backup.BackupError) as error:
        backup.choose_pg_tool("pg_dump", 16, [old])
    message = str(error.value)
    assert "PostgreSQL 16" in message and "PG_BINDIR" in message and "（13）" in message
    with pytest.raises(backup.BackupError, match="見つかりません"):
        backup.choose_pg_tool("pg_dump", 16, [])
