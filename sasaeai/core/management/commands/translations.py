"""`sasaeai translations extract|compile|check`: the English catalogue without GNU gettext."""

from django.core.management.base import BaseCommand, CommandError

from sasaeai.core import translations


class Command(BaseCommand):
    help = (
        "翻訳カタログ（英語）を更新します。extract: 翻訳対象の文字列を .po に集める / "
        "compile: .po から .mo を作る / check: .po と .mo が最新か確かめる"
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["extract", "compile", "check"])

    def handle(self, *args, action: str, **options):
        for language in translations.LANGUAGES:
            if action == "extract":
                translations.update_po(language)
                action_done = f"{translations.po_path(language)} を更新しました。"
                self.stdout.write(action_done)
            elif action == "compile":
                path = translations.compile_mo(language)
                self.stdout.write(f"{path} を作成しました。")
            state = translations.state(language)
            self.stdout.write(
                f"{language}: {state.translated}/{state.total} 件翻訳済み"
                f"（未収集 {len(state.missing)} 件、.mo {'要更新' if state.stale_mo else '最新'}）"
            )
            for msgid in state.missing:
                self.stdout.write(f"  未収集: {msgid}")
            if action == "check" and state.stale_mo:
                raise CommandError(
                    ".mo が .po と一致しません。`python manage.py translations compile` を"
                    "実行してください。"
                )
