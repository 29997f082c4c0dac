"""One installation for many municipalities reaches PostgreSQL through pgbouncer in transaction
mode (issue 26, docs/deployment.md): the setting that makes Django fit it, and the application
reading through it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bench.pooler import PgBouncer, available

ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """
import django
django.setup()
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from sasaeai.org.models import Municipality
print(connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"])
# .iterator() in autocommit: a server-side cursor would be declared WITH HOLD and outlive the
# transaction that pgbouncer lent it, so with the setting its rows are read client-side.
print(sum(1 for _ in MigrationRecorder.Migration.objects.iterator(chunk_size=2)))
print(Municipality.objects.count())
"""


def _run(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env_extra}
    return subprocess.run(
        [sys.executable, "-c", SNIPPET],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_transaction_pooling_turns_server_side_cursors_off():
    result = _run(
        {"DATABASE_URL": "postgres://u@127.0.0.1:6432/x", "DATABASE_TRANSACTION_POOLING": "1"}
    )
    # No database is reached for the first line; the connection fails later, which is fine here.
    assert result.stdout.splitlines()[:1] == ["True"], result.stderr
    result = _run({"DATABASE_URL": "postgres://u@127.0.0.1:6432/x"})
    assert result.stdout.splitlines()[:1] == ["False"], result.stderr


@pytest.mark.django_db
def test_the_application_reads_through_pgbouncer_in_transaction_mode():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL の設定（SQLite には接続プールがありません）")
    if not available():
        pytest.skip("pgbouncer がありません（apt-get install pgbouncer）")
    settings = connection.settings_dict
    direct = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    with PgBouncer(direct, pool_size=1) as pooled:
        assert pooled != direct
        result = _run({"DATABASE_URL": pooled, "DATABASE_TRANSACTION_POOLING": "1"})
    assert result.returncode == 0, result.stderr
    flag, migrations, _municipalities = result.stdout.split()
    assert flag == "True"
    assert int(migrations) > 50  # every app's migrations, read in chunks through the pool
