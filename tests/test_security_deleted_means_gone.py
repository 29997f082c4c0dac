"""Deleted means gone: after a data-subject deletion (削除請求) through the deletion page, no
byte of the person's values is left in the SQLite database file or its write-ahead log, for a
person whose rows had reached the main file and for one whose rows were still in the log.

The work runs in a process of its own (tests/erasure_probe.py) on a real database file set
up by the settings' connection setup (PRAGMA secure_delete, sasaeai/core/erasure.py), with a
second connection held open as another worker's would be. Run the probe by hand with
`--without-secure-delete` to see it find every value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = Path(__file__).with_name("erasure_probe.py")


def test_a_deleted_case_person_leaves_no_bytes_in_the_sqlite_files(tmp_path):
    database = tmp_path / "erasure.sqlite3"
    done = subprocess.run(
        [sys.executable, str(PROBE), str(database)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=PROBE.parent.parent,
        env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(result["deleted"]) == 2
    assert "erasure.sqlite3" in result["files"]
    assert result["found"] == [], f"deleted values still in the files: {result}"
