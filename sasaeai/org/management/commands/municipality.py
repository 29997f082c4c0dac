"""`sasaeai municipality create CODE`: adds a municipality with its towns from the shipped
gazetteer, offline, from its 6-digit code alone; `sasaeai municipality list` lists them.

Run by the installation's operator. Running `create` again brings the towns up to date and
never duplicates them; areas given to towns are kept."""

import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sasaeai.org import gazetteer, services
from sasaeai.org.models import Municipality


class Command(BaseCommand):
    help = "市区町村を登録・一覧表示します（町と代表点は同梱の住所データから読み込みます）。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser(
            "create",
            help="市区町村をその町とともに登録する（もう一度実行すると町を最新にする）",
        )
        create.add_argument(
            "code", help="全国地方公共団体コード（検査数字を含む6桁。政令指定都市は市のコード）"
        )
        create.add_argument(
            "--name",
            default="",
            help="同梱データにない市区町村（合併で新しくできたなど）を町なしで登録するときの名前",
        )
        create.add_argument("--kana", default="", help="--name と使う市区町村名（カナ）")
        sub.add_parser("list", help="登録済みの市区町村")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for m in Municipality.objects.all():
                self.stdout.write(f"{m.code}\t{m.prefecture}{m.name}\t町 {m.towns.count()}件")
            return
        code = options["code"].strip()
        started = time.perf_counter()
        try:
            if options["name"]:
                municipality = self._create_without_data(code, options["name"], options["kana"])
                self.stdout.write(
                    f"{municipality.prefecture}{municipality.name}（{municipality.code}）を町なしで"
                    "登録しました。町は管理画面で登録してください。"
                )
                return
            municipality, created, load = services.municipality_create_from_code(code=code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        seconds = time.perf_counter() - started
        label = f"{municipality.prefecture}{municipality.name}（{municipality.code}）"
        if created:
            self.stdout.write(f"{label}を登録しました。")
        else:
            self.stdout.write(f"{label}は登録済みです。町を最新にしました。")
        self.stdout.write(
            f"町 {load.towns}件（追加 {load.created}・更新 {load.updated}・変更なし "
            f"{load.unchanged}）、丁目 追加 {load.blocks_created}・更新 {load.blocks_updated}"
            f"（{seconds:.1f}秒）"
        )
        if load.kept:
            self.stdout.write(f"住所データにない町 {load.kept}件はそのまま残しました。")
        self.stdout.write(gazetteer.ATTRIBUTION)
        if created:
            self.stdout.write(
                "次に、この市区町村のシステム管理者を登録してください: "
                f"sasaeai user create ユーザー名 --role admin --municipality {municipality.code}"
            )

    def _create_without_data(self, code: str, name: str, kana: str) -> Municipality:
        if gazetteer.municipality_entry(code) is not None:
            raise CommandError(
                f"コード {code} は同梱の住所データにあります。--name を付けずに実行してください。"
            )
        if Municipality.objects.filter(code=code).exists():
            raise CommandError(f"コード {code} の市区町村は登録済みです。")
        return services.municipality_create(code=code, name=name, name_kana=kana)
