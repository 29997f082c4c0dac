"""The national local government code (全国地方公共団体コード) and its check digit."""

from django.core.exceptions import ValidationError


def local_government_check_digit(first_five: str) -> int:
    """Check digit = (11 − (6·d1 + 5·d2 + 4·d3 + 3·d4 + 2·d5) mod 11) mod 10."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def validate_local_government_code(value: str) -> None:
    if not (isinstance(value, str) and len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValidationError(
            "全国地方公共団体コードは半角数字6桁で入力してください（例: 武蔵野市 132039）。",
            code="format",
        )
    expected = local_government_check_digit(value[:5])
    if int(value[5]) != expected:
        raise ValidationError(
            f"全国地方公共団体コード「{value}」の検査数字が正しくありません"
            f"（{value[:5]} の検査数字は {expected} です）。",
            code="check_digit",
        )
    if not 1 <= int(value[:2]) <= 47:
        raise ValidationError(
            "全国地方公共団体コードの先頭2桁（都道府県コード）は01〜47です。", code="prefecture"
        )
