"""`sasaeai backup [-o FILE]`: a consistent online backup of the database with a checksum."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from sasaeai.core import backup


class Command(BaseCommand):
    help = "データベースをバックアップします（SQLite はオンラインバックアップ、PostgreSQL は pg_dump）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="書き出すファイル（省略時は backups/sasaeai-日時.sqlite3 または .pgdump）",
        )

    def handle(self, *args, **options):
        target = Path(options["output"]) if options["output"] else backup.default_backup_path()
        try:
            written = backup.backup(target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"バックアップしました: {written}（{filesizeformat(written.stat().st_size)}）\n"
            f"チェックサム: {backup.checksum_path(written)}"
        )
