"""`sasaeai user create USERNAME --role ROLE --municipality CODE [--area NAME]`: creates a
user and prints a one-time password, which the user must change at the first login;
`sasaeai user reset-password USERNAME` issues a new one; `sasaeai user list` lists users.

Run by the installation's operator, typically for each municipality's first システム管理者,
who then manages the municipality's own users in the browser (利用者管理)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from sasaeai.accounts import services
from sasaeai.accounts.models import Role, User
from sasaeai.core.text import search_key
from sasaeai.org.models import Area, Municipality

ROLE_WORDS = {
    "第1層": Role.TIER1,
    "第一層": Role.TIER1,
    "第2層": Role.TIER2,
    "第二層": Role.TIER2,
    "管理者": Role.ADMIN,
}


def read_role(text: str) -> str:
    """A role given as its code (tier2) or in Japanese (第2層生活支援コーディネーター, 第2層)."""
    key = search_key(text)
    for role in Role:
        with translation.override("ja"):
            label = str(role.label)
        if key in (search_key(role.value), search_key(label)):
            return role.value
    for word, role in ROLE_WORDS.items():
        if key == search_key(word):
            return role.value
    with translation.override("ja"):
        choices = "、".join(f"{r.value}（{r.label}）" for r in Role)
    raise CommandError(f"役割「{text}」はありません。次のどれかを指定してください: {choices}")


class Command(BaseCommand):
    help = "利用者を登録し、初回ログイン用のパスワードを表示します。"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="利用者を登録して初回ログイン用パスワードを表示する")
        create.add_argument("username", help="ユーザー名（半角英数字と @ . + - _）")
        create.add_argument(
            "--role",
            required=True,
            help="役割: admin, tier1, tier2, official, council, regional（日本語の役割名も可）",
        )
        create.add_argument(
            "--municipality", required=True, help="所属市区町村の全国地方公共団体コード（6桁）"
        )
        create.add_argument(
            "--area",
            action="append",
            default=[],
            help="担当圏域の名前（第2層は必須。複数なら繰り返す）",
        )
        create.add_argument("--name", default="", help="氏名")
        create.add_argument("--kana", default="", help="氏名（カナ）")
        create.add_argument("--email", default="", help="メールアドレス")
        reset = sub.add_parser(
            "reset-password", help="初回ログイン用のパスワードを発行し直す（次回ログインで変更）"
        )
        reset.add_argument("username")
        listing = sub.add_parser("list", help="利用者の一覧")
        listing.add_argument("--municipality", default="", help="全国地方公共団体コード")

    def handle(self, *args, action: str, **options) -> None:
        if action == "create":
            self._create(**options)
        elif action == "reset-password":
            self._reset(options["username"])
        else:
            self._list(options["municipality"])

    @transaction.atomic
    def _create(self, *, username: str, role: str, municipality: str, area: list[str], **options):
        role = read_role(role)
        place = self._municipality(municipality)
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(
                f"ユーザー名「{username}」はすでに使われています。パスワードを発行し直すには "
                f"`sasaeai user reset-password {username}` を使います。"
            )
        areas = [self._area(place, name) for name in area]
        password = services.one_time_password()
        try:
            user = services.user_create(
                username=username,
                password=password,
                municipality=place,
                role=role,
                areas=areas,
                display_name=options["name"],
                display_name_kana=options["kana"],
                email=options["email"],
                via="コマンド",
            )
        except ValidationError as exc:
            messages = exc.messages
            if role == Role.TIER2 and not place.areas.exists():
                messages.append(
                    f"{place.name}には圏域がまだありません。システム管理者が画面の"
                    "「組織」→「初期設定」で圏域を作ってから登録してください。"
                )
            raise CommandError(" ".join(messages)) from exc
        with translation.override("ja"):
            role_label = str(Role(role).label)
        self.stdout.write(
            f"利用者「{user.username}」（{role_label}・{place.prefecture}{place.name}）を登録しました。"
        )
        self._print_password(password)

    @transaction.atomic
    def _reset(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"ユーザー「{username}」は見つかりません。")
        password = services.one_time_password()
        services.user_set_password(user=user, password=password, by_self=False, via="コマンド")
        self.stdout.write(f"利用者「{user.username}」のパスワードを発行し直しました。")
        self._print_password(password)

    def _print_password(self, password: str) -> None:
        self.stdout.write(f"初回ログイン用パスワード: {password}")
        self.stdout.write(
            "このパスワードは二度と表示されません。本人に安全な方法で伝えてください。"
            "本人は初回ログイン時に自分のパスワードへの変更を求められます。"
        )

    def _list(self, code: str) -> None:
        users = User.objects.select_related("municipality").order_by("municipality", "username")
        if code:
            users = users.filter(municipality=self._municipality(code))
        for user in users:
            place = user.municipality.code if user.municipality else "—"
            flag = "\t初回パスワード変更待ち" if user.must_change_password else ""
            state = "" if user.is_active else "\t利用停止"
            self.stdout.write(f"{place}\t{user.username}\t{user.role}{state}{flag}")

    def _municipality(self, code: str) -> Municipality:
        municipality = Municipality.objects.filter(code=code.strip()).first()
        if municipality is None:
            raise CommandError(
                f"全国地方公共団体コード「{code}」の市区町村は登録されていません。"
                f"先に `sasaeai municipality create {code}` を実行してください。"
            )
        return municipality

    def _area(self, municipality: Municipality, name: str) -> Area:
        areas = list(municipality.areas.all())
        for candidate in areas:
            if search_key(candidate.name) == search_key(name):
                return candidate
        known = "、".join(a.name for a in areas) or "（まだありません）"
        raise CommandError(f"圏域「{name}」は{municipality.name}にありません。圏域: {known}")
