"""Online backups of the database and their restore, with a SHA-256 checksum beside each file.

SQLite (the embedded default) is copied with SQLite's online backup API, page by page from a
consistent snapshot while the application keeps running; PostgreSQL with `pg_dump` in its
custom format (one consistent snapshot) and restored with `pg_restore` in one transaction.
The checksum file `<backup>.sha256` has the `sha256sum` format, so `sha256sum -c` checks it too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection

SQLITE_HEADER = b"SQLite format 3\x00"
PG_CUSTOM_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for the operator (Japanese)."""


def default_backup_path() -> Path:
    folder = Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "backups"))
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    return folder / f"sasaeai-{stamp}.{suffix}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def write_checksum(path: Path) -> Path:
    target = checksum_path(path)
    target.write_text(f"{sha256_of(path)}  {path.name}\n", encoding="ascii")
    return target


def verify_checksum(path: Path) -> None:
    sums = checksum_path(path)
    if not path.exists():
        raise BackupError(f"バックアップファイル {path} がありません。")
    if not sums.exists():
        raise BackupError(f"チェックサムファイル {sums} がありません。復元を中止しました。")
    expected = sums.read_text(encoding="ascii").split()[0].lower()
    actual = sha256_of(path)
    if expected != actual:
        raise BackupError(
            f"{path.name} のチェックサムが一致しません（破損または改変の可能性）。復元を中止しました。"
        )


def backup(path: Path) -> Path:
    """Writes a consistent backup of the live database to `path` and its checksum beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    if connection.vendor == "sqlite":
        _sqlite_backup(partial)
    elif connection.vendor == "postgresql":
        _pg_dump(partial)
    else:
        raise BackupError(f"{connection.vendor} のバックアップには対応していません。")
    partial.replace(path)
    write_checksum(path)
    return path


def restore(path: Path) -> None:
    """Checks the checksum, then replaces the live database's contents with the backup."""
    verify_checksum(path)
    with path.open("rb") as handle:
        header = handle.read(16)
    if connection.vendor == "sqlite":
        if not header.startswith(SQLITE_HEADER):
            raise BackupError(f"{path.name} は SQLite のバックアップではありません。")
        _sqlite_restore(path)
    elif connection.vendor == "postgresql":
        if not header.startswith(PG_CUSTOM_HEADER):
            raise BackupError(
                f"{path.name} は pg_dump（カスタム形式）のバックアップではありません。"
            )
        _pg_restore(path)
    else:
        raise BackupError(f"{connection.vendor} の復元には対応していません。")


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_backup(target: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination, pages=1024)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        destination.close()


def _sqlite_restore(source_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        status = source.execute("PRAGMA integrity_check").fetchone()[0]
        if status != "ok":
            raise BackupError(f"{source_path.name} の整合性検査に失敗しました: {status}")
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_environment() -> tuple[list[str], dict[str, str]]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _pg_tool(name: str) -> str:
    """The pg_dump / pg_restore to use: one whose major version is at least the server's
    (pg_dump refuses a newer server, pg_restore may not read a newer archive). Looked for in
    $PG_BINDIR, then the per-version folders of Debian/Ubuntu and RHEL packages, then PATH."""
    return choose_pg_tool(name, connection.pg_version // 10000, _pg_candidates(name))


def _pg_candidates(name: str) -> list[str]:
    major = connection.pg_version // 10000
    folders = [os.environ.get("PG_BINDIR", "")]
    folders += [f"/usr/lib/postgresql/{major}/bin", f"/usr/pgsql-{major}/bin"]
    found = [str(Path(f) / name) for f in folders if f and (Path(f) / name).exists()]
    on_path = shutil.which(name)
    if on_path:
        found.append(on_path)
    # Newer clients read older servers: other installed versions, newest first.
    found += [
        str(p) for p in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    ]
    return list(dict.fromkeys(found))


def tool_major(tool: str) -> int | None:
    """The major version a PostgreSQL client tool reports (`pg_dump (PostgreSQL) 15.20`)."""
    try:
        result = subprocess.run([tool, "--version"], capture_output=True, text=True, timeout=30)
    except OSError:
        return None
    words = result.stdout.split()
    if result.returncode != 0 or not words:
        return None
    try:
        return int(words[-1].split(".")[0])
    except ValueError:
        return None


def choose_pg_tool(name: str, server_major: int, candidates: list[str]) -> str:
    """The first candidate at least as new as the server, or a Japanese explanation."""
    if not candidates:
        raise BackupError(
            f"{name} が見つかりません。PostgreSQL {server_major} 以上のクライアント"
            "（Debian では postgresql-client）を入れてください。"
        )
    seen = []
    for tool in candidates:
        major = tool_major(tool)
        if major is not None and major >= server_major:
            return tool
        seen.append(f"{tool}（{major if major is not None else '版不明'}）")
    raise BackupError(
        f"{name} の版がサーバー（PostgreSQL {server_major}）より古いため使えません: "
        + "、".join(seen)
        + f"。PostgreSQL {server_major} 以上のクライアントを入れるか、"
        "環境変数 PG_BINDIR にその bin フォルダを指定してください。"
    )


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} が失敗しました: {result.stderr.strip()[:500]}")


def _pg_dump(target: Path) -> None:
    args, env = _pg_environment()
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args], env)


def _pg_restore(source: Path) -> None:
    args, env = _pg_environment()
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(source),
        ],
        env,
    )
