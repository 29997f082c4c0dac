"""Request validation errors (wrong type, out of range, missing) in Japanese: every problem
under the name of the parameter or body field it concerns."""

from typing import Any

from sasaeai.core.json_input import TOO_DEEP

PLACES = {
    "query": "クエリ",
    "path": "パス",
    "body": "本文",
    "form": "フォーム",
    "header": "ヘッダー",
}


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必須の項目です。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "整数で指定してください。"
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return "数値で指定してください。"
    if kind in ("finite_number",):
        return "有限の数値で指定してください。"
    if kind == "greater_than_equal":
        return f"{ctx.get('ge')}以上で指定してください。"
    if kind == "greater_than":
        return f"{ctx.get('gt')}より大きい値で指定してください。"
    if kind == "less_than_equal":
        return f"{ctx.get('le')}以下で指定してください。"
    if kind == "less_than":
        return f"{ctx.get('lt')}未満で指定してください。"
    if kind in ("bool_parsing", "bool_type"):
        return "true か false で指定してください。"
    if kind.startswith("date") and "time" not in kind:
        return "日付は YYYY-MM-DD の形で、実在する日を指定してください。"
    if kind.startswith("datetime"):
        return "日時は YYYY-MM-DDTHH:MM の形で指定してください。"
    if kind.startswith("time"):
        return "時刻は HH:MM の形で指定してください。"
    if kind == "string_too_long":
        return f"{ctx.get('max_length')}文字以内で指定してください。"
    if kind == "string_too_short":
        return f"{ctx.get('min_length')}文字以上で指定してください。"
    if kind in ("string_type", "string_unicode"):
        return "文字列で指定してください。"
    if kind in ("list_type", "tuple_type", "set_type"):
        return "配列（リスト）で指定してください。"
    if kind == "too_long":
        return f"{ctx.get('max_length')}件以内で指定してください。"
    if kind in ("literal_error", "enum"):
        return f"次のどれかで指定してください: {ctx.get('expected', '')}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "オブジェクト（{…}）で指定してください。"
    if kind == "json_invalid":
        return "JSONとして読めません。"
    if kind == "nul_character":
        return "NUL文字（\\0）は使えません。"
    if kind == "surrogate_character":
        return "対になっていないサロゲート文字（\\ud800 など）は使えません。文字化けした文字を消してください。"
    if kind == "json_too_deep":
        return TOO_DEEP
    if kind == "extra_forbidden":
        return "この項目は指定できません。"
    if kind == "value_error":
        # Our own validators raise Japanese messages; pydantic's own ones are English.
        own = str((error.get("ctx") or {}).get("error", ""))
        return own if own and not own.isascii() else "値が正しくありません。"
    return "値が正しくありません。"


def field_errors(errors: list[dict[str, Any]]) -> dict[str, list[str]]:
    """ninja's error list → {"page": ["100000以下で指定してください。"], …}. Body fields are
    and query schemas are named by their own fields (`area_ids.0`), not after the view's
    parameter."""
    found: dict[str, list[str]] = {}
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        place = loc[0] if loc else ""
        rest = loc[1:]
        if len(rest) > 1 and not rest[1].isdigit():
            rest = rest[1:]  # drop the view's parameter name of a schema ("payload", "query")
        name = ".".join(rest) or "__all__"
        message = _message(error)
        if place in PLACES:
            message = f"{PLACES[place]}の「{name}」: {message}"
        found.setdefault(name, [])
        if message not in found[name]:
            found[name].append(message)
    return found
