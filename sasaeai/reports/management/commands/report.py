"""`sasaeai report`: a report from the shell, for schedulers and scripts.

    sasaeai report --fiscal-year 2015 --half first --scope municipality --format pdf -o FILE

Scopes: municipality, tier2, area:<area id or name>, areas:<a>,<b>, coordinator:<username>.
Formats: html, pdf, xlsx, docx, csv. Periods: --fiscal-year [--half first|second],
--month 2015-06 (or --month 6 with --fiscal-year), --from/--to. Every file written is audited.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sasaeai.org.models import Municipality
from sasaeai.reports import selectors, services
from sasaeai.reports.exports import FORMATS, export_bytes
from sasaeai.reports.selection import ReportRequestError, period_parse, scope_parse


class Command(BaseCommand):
    help = "活動報告を出力します（例: --fiscal-year 2015 --half first --scope municipality --format pdf -o 報告.pdf）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--fiscal-year", help="年度（西暦の4桁。例: 2015 は平成27年度）")
        parser.add_argument("--half", help="first（上半期）または second（下半期）")
        parser.add_argument("--month", help="月（2015-06、または --fiscal-year と 6）")
        parser.add_argument("--from", dest="date_from", help="開始日（2015-04-01 など）")
        parser.add_argument("--to", dest="date_to", help="終了日")
        parser.add_argument(
            "--scope",
            default="municipality",
            help="municipality、tier1、tier2、area:<ID または名前>、areas:<ID>,<ID>、coordinator:<ユーザー名>",
        )
        parser.add_argument("--format", default="pdf", choices=list(FORMATS), help="出力形式")
        parser.add_argument("-o", "--output", help="出力先のファイル（- または省略で標準出力）")
        parser.add_argument(
            "--municipality", help="市区町村コード（6桁。複数の市区町村があるときは必須）"
        )

    def handle(self, *args, **options) -> None:
        try:
            period = period_parse(
                fiscal_year=options["fiscal_year"],
                half=options["half"],
                month=options["month"],
                date_from=options["date_from"],
                date_to=options["date_to"],
            )
            municipality = self._municipality(options["municipality"])
            scope = scope_parse(options["scope"], municipality=municipality)
        except ReportRequestError as exc:
            raise CommandError(exc.message) from exc
        fmt = options["format"]
        figures, report = selectors.report_figures(user=None, period=period, scope=scope)
        content, _ = export_bytes(figures, fmt)
        output = options["output"]
        if output and output != "-":
            path = Path(output)
            try:
                path.write_bytes(content)
            except OSError as exc:
                raise CommandError(f"ファイル「{output}」に書き込めません: {exc}") from exc
            self.stderr.write(f"{figures.title}（{scope.label}）を {path} に出力しました。")
        else:
            sys.stdout.buffer.write(content)
            sys.stdout.flush()
        services.report_export_record(
            figures=figures,
            fmt=fmt,
            municipality_id=municipality.pk,
            report=report,
            via="（コマンド）",
        )

    @staticmethod
    def _municipality(code: str | None) -> Municipality:
        if code:
            municipality = Municipality.objects.filter(code=code.strip()).first()
            if municipality is None:
                raise ReportRequestError(
                    f"市区町村コード「{code}」の市区町村は登録されていません。"
                )
            return municipality
        municipalities = list(Municipality.objects.all()[:2])
        if not municipalities:
            raise ReportRequestError("市区町村が登録されていません。")
        if len(municipalities) > 1:
            raise ReportRequestError(
                "市区町村が複数あります。--municipality で市区町村コードを指定してください。"
            )
        return municipalities[0]
