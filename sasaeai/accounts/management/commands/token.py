"""`sasaeai token create USERNAME` prints a new API token; `sasaeai token revoke` revokes."""

from django.core.management.base import BaseCommand, CommandError

from sasaeai.accounts import services
from sasaeai.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "APIトークンを作成・失効します。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="トークンを作成して表示する")
        create.add_argument("username")
        create.add_argument("--name", default="コマンドで作成", help="用途")
        revoke = sub.add_parser("revoke", help="トークンを失効させる")
        revoke.add_argument("username")
        revoke.add_argument("--id", type=int, help="失効させるトークンのID（省略時は全部）")
        sub.add_parser("list", help="トークンの一覧").add_argument("username")

    def handle(self, *args, action: str, username: str, **options) -> None:
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"ユーザー「{username}」は見つかりません。") from exc
        if action == "create":
            token, plain = services.token_create(user=user, name=options["name"], via="コマンド")
            self.stdout.write(plain)
            return
        tokens = ApiToken.objects.filter(user=user)
        if action == "list":
            for token in tokens:
                state = "有効" if token.is_active else "失効"
                self.stdout.write(f"{token.id}\t{token.prefix}…\t{token.name}\t{state}")
            return
        if options.get("id") is not None:
            tokens = tokens.filter(id=options["id"])
            if not tokens.exists():
                raise CommandError(f"ID {options['id']} のトークンは見つかりません。")
        count = 0
        for token in tokens.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, via="コマンド")
            count += 1
        self.stdout.write(f"{count}件のトークンを失効させました。")
