"""Deleted means gone from the database files too, not only from its tables.

SQLite keeps a deleted row's bytes in the freed page until the page is reused, and an older
copy of the page in the write-ahead log (-wal) until the log is reset. The settings turn on
`PRAGMA secure_delete` for every connection (freed content is overwritten with zeros), and a
data-subject deletion calls `forget_deleted_rows()` once its transaction has committed: the
log is checkpointed into the main file and truncated to zero bytes. PostgreSQL keeps dead
tuples until VACUUM and in backups and WAL archives: see docs/security.md."""

from __future__ import annotations

from django.db import connection, transaction


def _checkpoint() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # TRUNCATE waits for readers (busy timeout) and empties the -wal file.
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def forget_deleted_rows() -> None:
    """After the current transaction commits (or now, outside one): on SQLite, move the log
    into the main file (where secure_delete has zeroed the freed space) and empty the log."""
    transaction.on_commit(_checkpoint)
