"""`sasaeai municipality create CODE NAME`: adds a municipality to a shared installation."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sasaeai.org import services
from sasaeai.org.models import Municipality


class Command(BaseCommand):
    help = "市区町村を登録・一覧表示します（1つの環境で複数の市区町村を扱う場合）。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="市区町村を登録する")
        create.add_argument("code", help="全国地方公共団体コード（検査数字を含む6桁）")
        create.add_argument("name", help="市区町村名")
        create.add_argument("--kana", default="", help="市区町村名（カナ）")
        sub.add_parser("list", help="登録済みの市区町村")

    def handle(self, *args, action: str, **options) -> None:
        if action == "list":
            for m in Municipality.objects.all():
                self.stdout.write(f"{m.code}\t{m.prefecture}{m.name}")
            return
        try:
            municipality = services.municipality_create(
                code=options["code"], name=options["name"], name_kana=options["kana"]
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"{municipality.prefecture}{municipality.name}（{municipality.code}）を登録しました。"
        )
