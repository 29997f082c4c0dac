"""`sasaeai import-population FILE --user USERNAME [--as-of YYYY-MM-DD]`: the population by
town and age band (住民基本台帳 町丁別・年齢別人口) for the user's municipality.

Shows the same preview as the import page (layout, towns, residents 65+ and 75+, every problem
with its row and column), then writes all or nothing. `--dry-run` only shows; `--demo` labels
the figures as demo data."""

import datetime as dt
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from sasaeai.accounts.models import User
from sasaeai.exchange.uploads import UploadError, read_upload
from sasaeai.participation import services
from sasaeai.participation.population import read_population


class Command(BaseCommand):
    help = "町丁別・年齢別人口（CSV・Excel）を取り込みます。誤りが1件でもあれば何も取り込みません。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="取り込むファイル（.csv、.xlsx）")
        parser.add_argument("--user", required=True, help="取り込む人のユーザー名")
        parser.add_argument(
            "--as-of", help="基準日（YYYY-MM-DD、省略時は今日）", default=None, dest="as_of"
        )
        parser.add_argument("--dry-run", action="store_true", help="確認内容を表示するだけ")
        parser.add_argument("--demo", action="store_true", help="デモ用の架空の数字として記録")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"ユーザー「{options['user']}」が見つかりません（または無効です）。")
        if not services.can_import_population(user):
            raise CommandError(
                "人口を取り込めるのはシステム管理者か第1層生活支援コーディネーターです。"
            )
        as_of = dt.date.today()
        if options["as_of"]:
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(
                    f"--as-of「{options['as_of']}」を日付として読めません（例: 2026-01-01）。"
                ) from exc
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        try:
            with path.open("rb") as handle:
                upload = read_upload(handle, name=path.name)
        except UploadError as exc:
            raise CommandError(str(exc)) from exc
        if upload.kind not in ("csv", "xlsx"):
            raise CommandError("人口のファイルはCSVかExcel（.xlsx）で指定してください。")
        reading = read_population(upload.content, upload.kind, municipality=user.municipality)
        layout = {"wide": "横持ち", "long": "縦持ち"}.get(reading.layout, "不明")
        totals = reading.totals()
        self.stdout.write(
            f"{path.name}: {as_of:%Y-%m-%d}現在、{layout}の表、{len(totals)}町丁"
            f"（65歳以上 {sum(t['aged_65'] for t in totals):,}人、"
            f"75歳以上 {sum(t['aged_75'] for t in totals):,}人）"
        )
        if reading.skipped_totals:
            self.stdout.write(f"合計の行など{reading.skipped_totals}行は読み飛ばしました。")
        if reading.problems:
            for problem in reading.problems[:50]:
                self.stderr.write(f"  {problem.text()}")
            if len(reading.problems) > 50:
                self.stderr.write(f"  ほか{len(reading.problems) - 50}件")
            raise CommandError(
                f"{len(reading.problems)}件の問題があるため、何も取り込みませんでした。"
            )
        if options["dry_run"]:
            self.stdout.write("確認のみ（--dry-run）のため取り込みませんでした。")
            return
        try:
            dataset = services.population_import(
                municipality=user.municipality,
                as_of=as_of,
                reading=reading,
                source_name=path.name,
                user=user,
                is_demo=options["demo"],
                via="コマンド",
            )
        except (PermissionDenied, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            self.style.SUCCESS(f"取り込みました: {dataset.as_of:%Y-%m-%d}現在、{len(totals)}町丁。")
        )
