"""Loads the Musashino demo data (idempotent) and prints the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sasaeai.accounts.models import User
from sasaeai.org.models import Municipality
from sasaeai.site.demo import load_demo


class Command(BaseCommand):
    help = "武蔵野市のデモデータを読み込み、デモ用ログインを表示します（何度実行しても同じ結果）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="データベースが空のときだけ読み込む（make run が使う）",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        if if_empty and Municipality.objects.exists():
            self.stdout.write("データベースにデータがあるため、デモデータは読み込みません。")
            logins = [
                (u.username, u.get_role_display())
                for u in User.objects.filter(username__in=self._demo_usernames())
            ]
        else:
            logins = load_demo()
            self.stdout.write(self.style.SUCCESS("デモデータを読み込みました（武蔵野市）。"))
        if logins:
            password = settings.DEMO_PASSWORD
            self.stdout.write("")
            self.stdout.write("デモ用ログイン（http://127.0.0.1:8000/ ）")
            self.stdout.write(f"  パスワード（全員共通）: {password}")
            for username, role in logins:
                self.stdout.write(f"  {username:<10} {role}")
            self.stdout.write("")

    @staticmethod
    def _demo_usernames() -> list[str]:
        return ["admin", "tier1", *[f"tier2-{i}" for i in range(1, 7)], "official", "council"]
