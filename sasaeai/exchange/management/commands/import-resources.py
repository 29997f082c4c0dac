"""`sasaeai import-resources FILE`: resources from an Excel, CSV or HSDS JSON file.

    sasaeai import-resources 社会資源.xlsx --user tier1          # preview, then asks
    sasaeai import-resources 社会資源.csv --user tier1 --yes    # for scripts: no question
    sasaeai import-resources data.json --user tier1 --dry-run  # preview only

Shows the preview (counts, every problem with its row and column, likely duplicates), asks
before writing, writes all or nothing (`--only-valid` writes the rows without errors), with a
progress bar and a summary. Headers are mapped as remembered for the municipality (the import
page's mapping step), by their known names, or by `--map 見出し=項目`. Exits non-zero with a
Japanese message when nothing could be written."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sasaeai.accounts.models import Role, User
from sasaeai.exchange import services
from sasaeai.exchange.fields import FIELDS_BY_KEY, header_fold
from sasaeai.exchange.uploads import UploadError, read_upload

SHOWN_PROBLEMS = 50
SHOWN_DUPLICATES = 20


class Command(BaseCommand):
    help = (
        "社会資源をファイル（Excel・CSV・HSDSのJSON）から取り込みます。確認画面と同じ内容を"
        "表示し、取り込むか尋ねます（--yes で尋ねずに取り込み）。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="取り込むファイル（.xlsx、.csv、.json）")
        parser.add_argument(
            "--user",
            help="取り込む人のユーザー名（システム管理者か第1層コーディネーター）。"
            "システム管理者が1人だけのときは省略できます。",
        )
        parser.add_argument("--yes", "-y", action="store_true", help="尋ねずに取り込む")
        parser.add_argument(
            "--dry-run", action="store_true", help="確認内容を表示するだけで取り込まない"
        )
        parser.add_argument("--only-valid", action="store_true", help="エラーのない行だけ取り込む")
        parser.add_argument(
            "--on-duplicate",
            choices=["new", "merge", "skip"],
            default="new",
            help="既存の資源に似た行: new（新規登録、既定）、merge（統合）、skip（取り込まない）",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="見出し=項目",
            help="見出しの対応（例: --map サロン名=name）。項目のキーは docs/exchange.md を参照",
        )
        parser.add_argument("--no-progress", action="store_true", help="進み具合の表示をしない")

    # --- helpers ------------------------------------------------------------------------------

    def _user(self, username: str | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"ユーザー「{username}」が見つかりません（または無効です）。")
            return user
        admins = list(User.objects.filter(role=Role.ADMIN, is_active=True)[:2])
        if len(admins) != 1:
            raise CommandError(
                "--user で取り込む人のユーザー名を指定してください"
                "（システム管理者か第1層生活支援コーディネーター）。"
            )
        return admins[0]

    @staticmethod
    def _mapping(pairs: list[str]) -> dict[str, str]:
        mapping: dict[str, str] = {}
        labels = {header_fold(f.label): f.key for f in FIELDS_BY_KEY.values()}
        for pair in pairs:
            header, sep, key = pair.partition("=")
            key = key.strip()
            if not sep or not header.strip():
                raise CommandError(f"--map「{pair}」は「見出し=項目」の形で指定してください。")
            if key and key not in FIELDS_BY_KEY:
                key = labels.get(header_fold(key), "")
                if not key:
                    raise CommandError(
                        f"--map「{pair}」の項目が分かりません。項目のキー（name、town など）か"
                        "テンプレートの見出し（名称、町 など）を指定してください。"
                    )
            mapping[header.strip()] = key
        return mapping

    def _show(self, report: services.ImportReport) -> None:
        data = report.as_json()
        counts = data["counts"]
        write = self.stdout.write
        write(
            f"ファイルの形式: {report.format}　行数: {counts['total']}\n"
            f"  新規登録 {counts['create']}件・更新 {counts['update']}件・"
            f"変更なし {counts['unchanged']}件・取り込まない {counts['skip']}件・"
            f"エラーのある行 {counts['error']}件"
        )
        if data["unmapped_headers"]:
            write("取り込まない列: " + "、".join(data["unmapped_headers"]))
        problems = data["problems"]
        if problems:
            kinds = {"error": "エラー", "review": "要確認", "warning": "注意"}
            write(f"問題（{len(problems)}件）:")
            for problem in problems[:SHOWN_PROBLEMS]:
                write(
                    f"  [{kinds.get(problem['severity'], problem['severity'])}] "
                    f"{problem['row']} {problem['column']}: {problem['message']}"
                )
            if len(problems) > SHOWN_PROBLEMS:
                write(f"  …ほか{len(problems) - SHOWN_PROBLEMS}件")
        updates = data["updates"]
        if updates:
            write(f"更新する資源と変わる項目（{len(updates)}件）:")
            for update in updates[:SHOWN_DUPLICATES]:
                write(f"  {update['row']}「{update['name']}」(ID {update['target_id']})")
                for change in update["diff"]:
                    write(f"    {change['field']}: {change['before']} → {change['after']}")
        duplicates = data["duplicates"]
        if duplicates:
            write(f"既存の資源と重複していそうな行（{len(duplicates)}件）:")
            for duplicate in duplicates[:SHOWN_DUPLICATES]:
                names = "、".join(
                    f"「{c['name']}」(ID {c['service_id']})" for c in duplicate["candidates"]
                )
                write(f"  {duplicate['row']}「{duplicate['name']}」→ {names}")
                for candidate in duplicate["candidates"]:
                    if duplicate["target_id"] == candidate["service_id"]:
                        continue  # its changes are listed above
                    write(f"    「{candidate['name']}」に統合すると変わる項目:")
                    for change in candidate["diff"]:
                        write(f"      {change['field']}: {change['before']} → {change['after']}")
        if data["reviews"]:
            write(f"取り込んだ後に確かめてほしい行: {len(data['reviews'])}件")

    def _ask(self, report: services.ImportReport) -> bool:
        self._show(report)
        counts = report.plan.counts()
        if not counts["create"] and not counts["update"]:
            self.stdout.write("登録・更新する行はありません。")
        answer = input("取り込みますか？ [y/N]: ").strip().lower()
        return answer in ("y", "yes", "はい")

    # --- the command --------------------------------------------------------------------------

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイル「{path}」が見つかりません。")
        user = self._user(options["user"])
        mapping = self._mapping(options["map"])
        try:
            with path.open("rb") as stream:
                upload = read_upload(stream, name=path.name)
        except UploadError as exc:
            raise CommandError(str(exc)) from exc
        bar: tqdm | None = None

        def progress(label: str, count: int) -> None:
            nonlocal bar
            if options["no_progress"]:
                return
            if bar is None:
                # writer.PlanWriter reports each chunk of rows written, then the end
                bar = tqdm(desc="書き込み", unit="行", file=self.stderr._out)
            bar.set_postfix_str(label)
            bar.update(count)

        commit = not options["dry_run"]
        confirm = None if options["yes"] or not commit else self._ask
        try:
            report = services.import_upload(
                user=user,
                upload=upload,
                commit=commit,
                only_valid=options["only_valid"],
                on_duplicate=options["on_duplicate"],
                mapping=mapping,
                progress=progress,
                confirm=confirm,
            )
        except PermissionDenied as exc:
            raise CommandError(
                f"ユーザー「{user.username}」には社会資源を取り込む権限がありません。"
            ) from exc
        except services.ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except services.ImportRefused as exc:
            if exc.plan is not None and exc.context is not None:
                self._show(
                    services.ImportReport(
                        format=exc.file_format, plan=exc.plan, context=exc.context
                    )
                )
            raise CommandError(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()
        if not commit:
            self._show(report)
            self.stdout.write("確認だけを行いました（--dry-run）。何も登録していません。")
            return
        if not report.committed:
            self.stdout.write("取り込みを中止しました。何も登録していません。")
            return
        if options["yes"]:
            self._show(report)
        result = report.result
        skipped = report.plan.counts()["skip"] + report.plan.counts()["error"]
        self.stdout.write(
            self.style.SUCCESS(
                f"取り込みました: 新規登録 {len(result.created)}件・更新 {len(result.updated)}件・"
                f"変更なし {len(result.unchanged)}件・取り込まなかった行 {skipped}件"
            )
        )
