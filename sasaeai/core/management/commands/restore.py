"""`sasaeai restore FILE`: checks the backup's checksum and brings the database back to it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sasaeai.core import backup


class Command(BaseCommand):
    help = "バックアップからデータベースを復元します（チェックサムを確かめてから、今の内容を置き換えます）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="sasaeai backup が書き出したファイル")
        parser.add_argument(
            "--yes", action="store_true", help="確認せずに復元する（スクリプトから使うとき）"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            backup.verify_checksum(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not options["yes"]:
            answer = input(
                f"今のデータベースの内容を {path.name} の内容で置き換えます。よろしいですか？ [yes/no] "
            )
            if answer.strip().lower() not in ("yes", "y", "はい"):
                raise CommandError("復元を取りやめました。何も変更していません。")
        try:
            backup.restore(path)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"復元しました: {path}")
