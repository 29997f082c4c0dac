"""`sasaeai import-participation FILE --user USERNAME [--municipality CODE] [--dry-run]`: an
organiser-filled participation sheet (the template of the page 「運営者のExcelを取り込む」).

The same reading, checks and messages as the page (each problem with its sheet, row and
column), then all or nothing. The records are written as the user's (`--user`: who imports,
checked by the access policy as on the page); `--municipality` guards against importing into
another municipality's places by mistake."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.exchange.uploads import UploadError, read_upload
from sasaeai.participation import services
from sasaeai.participation.workbook import read_sheet


class Command(BaseCommand):
    help = "運営者が記入した参加実績のExcelを取り込みます。誤りが1件でもあれば何も取り込みません。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="記入済みの様式（.xlsx）")
        parser.add_argument("--user", required=True, help="取り込む人のユーザー名")
        parser.add_argument(
            "--municipality", help="市区町村コード（取り込む人の市区町村と同じであること）"
        )
        parser.add_argument("--dry-run", action="store_true", help="確認内容を表示するだけ")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"ユーザー「{options['user']}」が見つかりません（または無効です）。")
        if not policy.has(user, policy.Capability.EDIT_ACTIVITIES):
            raise CommandError("参加実績を取り込めるのは活動を記録できる職員です。")
        code = options["municipality"]
        if code and (user.municipality is None or user.municipality.code != code):
            raise CommandError(
                f"ユーザー「{user.username}」は市区町村コード{code}の職員ではありません。"
            )
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        try:
            with path.open("rb") as handle:
                upload = read_upload(handle, name=path.name)
        except UploadError as exc:
            raise CommandError(str(exc)) from exc
        if upload.kind != "xlsx":
            raise CommandError("参加実績はExcel（.xlsx）の様式で指定してください。")
        reading = read_sheet(upload.content)
        problems = services.participation_sheet_check(reading=reading, user=user)
        self.stdout.write(f"{path.name}: 人数の入った行 {len(reading.rows)}件")
        if problems:
            for problem in problems[:50]:
                self.stderr.write(f"  {problem}")
            if len(problems) > 50:
                self.stderr.write(f"  ほか{len(problems) - 50}件")
            raise CommandError(f"{len(problems)}件の問題があるため、何も取り込みませんでした。")
        if not reading.rows:
            raise CommandError("人数の入った行がないため、何も取り込みませんでした。")
        if options["dry_run"]:
            self.stdout.write("確認のみ（--dry-run）のため取り込みませんでした。")
            return
        try:
            records = services.participation_sheet_import(
                reading=reading, user=user, file_name=path.name, via="コマンド"
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(self.style.SUCCESS(f"取り込みました: 参加実績{len(records)}件。"))
