"""`sasaeai kayoinoba-survey --fiscal-year YEAR --user USERNAME -o FILE.xlsx`: the MHLW 通いの場
survey's figures for the user's municipality as an Excel workbook (see participation/survey.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.audit.services import audit_record
from sasaeai.participation.survey import survey_figures, survey_workbook


class Command(BaseCommand):
    help = "通いの場の実施状況調査（厚生労働省）の形で、年度の集計をExcelに書き出します。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--fiscal-year",
            type=int,
            required=True,
            dest="fiscal_year",
            help="年度（西暦、例: 2025）",
        )
        parser.add_argument("--user", required=True, help="出力する人のユーザー名")
        parser.add_argument("-o", "--output", required=True, help="書き出すファイル（.xlsx）")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"ユーザー「{options['user']}」が見つかりません（または無効です）。")
        if not policy.has(user, policy.Capability.VIEW_ACTIVITIES):
            raise CommandError(
                "この集計を出力する権限がありません（活動記録を見られる役割が必要です）。"
            )
        year = options["fiscal_year"]
        if not 2000 <= year <= 2100:
            raise CommandError(f"年度「{year}」は西暦で指定してください（例: 2025）。")
        figures = survey_figures(municipality=user.municipality, fiscal_year=year)
        path = Path(options["output"])
        path.write_bytes(survey_workbook(figures))
        audit_record(
            action="export",
            user=user,
            target_type="participation.survey",
            summary=f"通いの場調査の集計（{year}年度）を出力",
            municipality_id=user.municipality_id,
            via="コマンド",
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{path} に書き出しました: 通いの場 {len(figures.places)}か所、"
                f"参加者実人数 {figures.participants}人（うち65歳以上 {figures.participants_65_plus}人）。"
            )
        )
