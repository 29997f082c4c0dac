"""`sasaeai resource-link create SERVICE_ID [--days N] [--base-url URL]` prints the organiser's
update URL of a resource (any earlier link of it is revoked); `revoke SERVICE_ID` revokes."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from sasaeai.directory import services
from sasaeai.resources.models import Service


class Command(BaseCommand):
    help = "社会資源の主催者用の更新リンクを発行・取り消しします。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="リンクを発行してURLを表示する")
        create.add_argument("service_id", type=int)
        create.add_argument("--days", type=int, help="有効期間（日）。省略時は市区町村の設定")
        create.add_argument(
            "--base-url",
            default="http://localhost:8000",
            help="公開サイトのURL（例: https://sasaeai.example.jp）",
        )
        revoke = sub.add_parser("revoke", help="有効なリンクを取り消す")
        revoke.add_argument("service_id", type=int)

    def handle(self, *args, action: str, service_id: int, **options) -> None:
        service = Service.objects.filter(pk=service_id).first()
        if service is None:
            raise CommandError(f"ID {service_id} の社会資源は見つかりません。")
        if action == "create":
            try:
                link, plain = services.link_create(
                    service=service, user=None, days=options.get("days"), via="コマンド"
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            path = reverse("directory_public:organiser", args=[plain])
            self.stdout.write(options["base_url"].rstrip("/") + path)
            self.stderr.write(f"有効期限: {link.expires_at:%Y-%m-%d}（{service.name}）")
            return
        count = services.link_revoke(service=service, user=None, via="コマンド")
        self.stdout.write(f"{count}件のリンクを取り消しました。")
