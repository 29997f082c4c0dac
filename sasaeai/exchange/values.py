"""Reading one cell's text as the value a field needs: yes/no words, amounts and counts written
with 全角 digits and units, era dates, coordinates, phone numbers and postal codes. Each reader
returns the value or raises CellError with a Japanese explanation of what was wrong."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import jaconv
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from sasaeai.core.eras import parse_japanese_date
from sasaeai.core.text import nfkc


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Japanese."""


_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")
_BLANKS = re.compile(r"[ \t\u3000]+")
_SPACES = re.compile(r"\s+")


def text(value: str) -> str:
    """Free text as typed: half-width katakana widened, spaces trimmed, line breaks kept."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if _HALFWIDTH_KANA.search(value):
        value = jaconv.h2z(value, kana=True, ascii=False, digit=False)
    if "\n" not in value:
        return _BLANKS.sub(" ", value).strip()
    lines = [_BLANKS.sub(" ", line).strip() for line in value.split("\n")]
    return "\n".join(lines).strip()


def line(value: str) -> str:
    """A one-line text (names, addresses): line breaks become spaces."""
    return _SPACES.sub(" ", text(value)).strip()


_YES = {
    "はい",
    "○",
    "〇",
    "◯",
    "◎",
    "有",
    "あり",
    "有り",
    "可",
    "yes",
    "y",
    "true",
    "1",
    "✓",
    "✔",
    "レ",
    "する",
    "要",
    "必要",
    "済",
}
_NO = {
    "いいえ",
    "×",
    "✕",
    "✖",
    "無",
    "なし",
    "無し",
    "不可",
    "no",
    "n",
    "false",
    "0",
    "-",
    "ー",
    "しない",
    "不要",
    "未",
}


def yes_no(value: str) -> bool | None:
    """はい/いいえ and their usual spellings; empty is None (unknown)."""
    folded = nfkc(value).lower()
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise CellError(
        f"「{value}」を「はい」か「いいえ」として読めません。はい・いいえ（または○・×）で入力してください。"
    )


def application(value: str) -> bool | None:
    folded = nfkc(value)
    if not folded:
        return None
    if re.search(r"不要|当日|自由|なし|無し|いつでも", folded):
        return False
    if re.search(r"要|必要|予約|事前|申込", folded):
        return True
    return yes_no(value)


def integer(value: str, *, unit: str = "") -> int | None:
    """A count such as 20, ２０人, 約20名 (a range 15〜20 is read as its upper end)."""
    folded = nfkc(value).replace(",", "")
    if not folded:
        return None
    folded = re.sub(r"^(約|およそ|最大|上限)", "", folded)
    folded = re.sub(r"(人|名|程度|くらい|まで|以内|円|組)$", "", folded).strip()
    match = re.fullmatch(r"(\d+)\s*[~〜\-]\s*(\d+)", folded)
    if match:
        return int(match.group(2))
    if not folded.isdecimal():
        raise CellError(
            f"「{value}」を数として読めません。数字で入力してください{f'（単位の{unit}は省略できます）' if unit else ''}。"
        )
    number = int(folded)
    if number > 1_000_000:
        raise CellError(f"「{value}」は大きすぎます。")
    return number


def fee(value: str) -> tuple[bool | None, int | None, str]:
    """(is_free, amount per session, description) from 「無料」「100円」「材料費300円」「実費」."""
    raw = line(value)
    folded = nfkc(raw).replace(",", "")
    if not folded:
        return None, None, ""
    if re.fullmatch(r"(無料|0円?|なし|無し|タダ)", folded):
        return True, None, ""
    match = re.fullmatch(r"(?:1回)?\s*(\d+)\s*円?(?:/回|/1回|\(1回\))?", folded)
    if match:
        amount = int(match.group(1))
        return (True, None, "") if amount == 0 else (False, amount, "")
    amounts = re.findall(r"(\d+)\s*円", folded)
    if len(amounts) == 1 and "無料" not in folded:
        return False, int(amounts[0]), raw[:300]
    if "無料" in folded and not amounts:
        return True, None, raw[:300]
    return None, None, raw[:300]


def date(value: str) -> dt.date | None:
    """令和7年4月1日, R7.4.1, 2025/4/1, 2025-04-01 (Excel dates arrive as the last)."""
    folded = nfkc(value)
    if not folded:
        return None
    folded = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?$", "", folded)
    try:
        return parse_japanese_date(folded)
    except ValueError as exc:
        raise CellError(str(exc)) from exc


def decimal(value: str) -> Decimal | None:
    folded = nfkc(value).replace("°", "").strip()
    if not folded:
        return None
    try:
        number = Decimal(folded)
    except InvalidOperation as exc:
        raise CellError(f"「{value}」を数値（10進数の度）として読めません。") from exc
    if not number.is_finite():
        raise CellError(f"「{value}」を数値として読めません。")
    return number.quantize(Decimal("0.000001"))


# What people write in an optional cell to say "nothing": read as empty.
NOTHING = {
    "なし",
    "無し",
    "無",
    "-",
    "ー",
    "―",
    "‐",
    "－",
    "—",
    "未定",
    "不明",
    "非公開",
    "なし。",
}


def is_nothing(value: str) -> bool:
    return nfkc(value or "").strip() in {nfkc(n) for n in NOTHING}


_EXTENSION = re.compile(
    r"[(（]?\s*(?:内線|内|ext\.?|EXT\.?)\s*[:：]?\s*([0-9０-９\-]+)\s*[)）]?\s*$"
)


def phone(value: str) -> str:
    """Digits and hyphens as written (全角 folded); 10 or 11 digits expected. An extension
    written after the number (「内線２２３」) is kept after it: 「0833-45-1234 内線223」."""
    if is_nothing(value):
        return ""
    extension = ""
    match = _EXTENSION.search(nfkc(value))
    if match:
        extension = f" 内線{match.group(1)}"
        value = nfkc(value)[: match.start()]
    return _phone_number(value) + extension if _phone_number(value) else ""


def _phone_number(value: str) -> str:
    folded = nfkc(value).replace("(", "-").replace(")", "-").replace(" ", "")
    folded = re.sub(r"[‐‑–—−ー－]", "-", folded).strip("-")
    if not folded:
        return ""
    folded = re.sub(r"^(TEL|tel|Tel|電話)[:.]?", "", folded)
    digits = re.sub(r"\D", "", folded)
    if not re.fullmatch(r"[0-9\-]+", folded) or not (10 <= len(digits) <= 11):
        raise CellError(
            f"電話番号「{value}」の形が正しくありません。市外局番から10〜11桁で入力してください。"
        )
    return folded[:30]


def postal_code(value: str) -> str:
    if is_nothing(value):
        return ""
    folded = nfkc(value).replace("〒", "").replace(" ", "")
    if not folded:
        return ""
    digits = re.sub(r"[-‐－ー]", "", folded)
    if not re.fullmatch(r"\d{7}", digits):
        raise CellError(f"郵便番号「{value}」は7桁の数字で入力してください。")
    return f"{digits[:3]}-{digits[3:]}"


_email = EmailValidator()
_url = URLValidator(schemes=["http", "https"])


def email(value: str) -> str:
    folded = nfkc(value).replace(" ", "")
    if not folded or is_nothing(folded):
        return ""
    try:
        _email(folded)
    except ValidationError as exc:
        raise CellError(f"メールアドレス「{value}」の形が正しくありません。") from exc
    return folded


def url(value: str) -> str:
    folded = nfkc(value).replace(" ", "")
    if not folded or is_nothing(folded):
        return ""
    if folded.startswith("www."):
        folded = "https://" + folded
    try:
        _url(folded)
    except ValidationError as exc:
        raise CellError(
            f"URL「{value}」の形が正しくありません。http:// か https:// から入力してください。"
        ) from exc
    return folded[:200]


def corporate_number(value: str) -> str:
    if is_nothing(value):
        return ""
    if re.fullmatch(r"\s*[0-9.]+[eE]\+?[0-9]+\s*", nfkc(value)):
        raise CellError(
            f"法人番号「{value}」はExcelが指数の形（4.00E+12 など）にしたため、13桁が失われています。"
            "元の台帳で列を「文字列」にして13桁を入れ直してください。"
        )
    folded = re.sub(r"\D", "", nfkc(value))
    if not folded:
        return ""
    if len(folded) != 13:
        raise CellError(f"法人番号「{value}」は13桁の数字で入力してください。")
    return folded


_STATUS = {
    "活動中": "active",
    "実施中": "active",
    "開催中": "active",
    "運営中": "active",
    "active": "active",
    "休止中": "paused",
    "休止": "paused",
    "休会": "paused",
    "一時休止": "paused",
    "paused": "paused",
    "temporarily closed": "paused",
    "inactive": "paused",
    "終了": "closed",
    "廃止": "closed",
    "解散": "closed",
    "閉鎖": "closed",
    "closed": "closed",
    "defunct": "closed",
}


def status(value: str) -> str | None:
    folded = nfkc(value).lower()
    if not folded:
        return None
    if folded in _STATUS:
        return _STATUS[folded]
    raise CellError(
        f"状態「{value}」は読めません。活動中・休止中・終了のいずれかを入力してください。"
    )


_DIRECTION = {
    "利用者へのサービス": "service",
    "サービス": "service",
    "利用者向け": "service",
    "service": "service",
    "担い手の募集": "recruiting",
    "担い手募集": "recruiting",
    "募集": "recruiting",
    "recruiting": "recruiting",
    "両方": "both",
    "both": "both",
}


def direction(value: str) -> str | None:
    """この資源は: 利用者へのサービス / 担い手の募集 / 両方 (the model's labels or codes)."""
    folded = nfkc(value).strip().lower()
    if not folded:
        return None
    if folded in _DIRECTION:
        return _DIRECTION[folded]
    raise CellError(
        f"「この資源は」の「{value}」は読めません。利用者へのサービス・担い手の募集・両方の"
        "いずれかを入力してください（空欄なら自動で判断します）。"
    )


def split_list(value: str) -> list[str]:
    """「体操・運動、会食」→ the items (「・」 stays inside a name)."""
    return [item.strip() for item in re.split(r"[、,，;；\n/／]", nfkc(value)) if item.strip()]
