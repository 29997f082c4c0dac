"""Japanese text normalisation: one folding rule for search keys, matching and duplicates.

NFKC turns half-width katakana (ｶﾗｵｹ) into full width and full-width letters and digits (ＡＢ１)
into ASCII; hiragana is then folded to katakana so that からおけ and カラオケ give one key.
Every searched text and every query is compared in this folded form (`search_key`). Readings
(桜堤 → サクラヅツミ) are made in core.readings, distances in core.geo.
"""

import re
import unicodedata

import jaconv
from django.db.models import CharField, Func

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TERM_SPLIT = re.compile(r"[,、，;；\n/／|｜]+")

KANJI_DIGITS = {
    "〇": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def nfkc(text: str) -> str:
    """NFKC with control characters removed and runs of white space folded to one space."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _CONTROL.sub("", text)
    return _SPACE.sub(" ", text).strip()


def search_key(text: str) -> str:
    """The folded form of a text used to compare Japanese strings (width, kana and case)."""
    text = nfkc(text)
    text = jaconv.hira2kata(text)
    # ヴ and the small ヵヶ fold with their common spellings.
    return text.replace("ヵ", "カ").replace("ヶ", "ケ").lower()


# search_key in SQL, for columns that keep no folded copy (see SearchKey).
SQLITE_FUNCTION = "sasaeai_search_key"
_KANA_FROM = "".join(chr(c) for c in range(0x3041, 0x30A0) if jaconv.hira2kata(chr(c)) != chr(c))
_KANA_TO = jaconv.hira2kata(_KANA_FROM)
_KANA_FROM += "ヵヶ"
_KANA_TO = _KANA_TO.replace("ヵ", "カ").replace("ヶ", "ケ") + "カケ"


class SearchKey(Func):
    """`search_key` of a column, computed by the database: for searching texts that keep no
    folded copy (a regional issue's evidence records), so that ｶﾗｵｹ, からおけ and カラオケ find
    one another there too. Compare it with a folded term: `Q(Contains(SearchKey("summary"),
    search_key(word)))`. SQLite calls search_key itself (a function registered on every
    connection, see register_sqlite_function); PostgreSQL does the same steps with
    normalize(NFKC), translate (hiragana → katakana, ヵヶ → カケ) and lower. (Runs of spaces are
    not folded there: a searched word never holds one.)"""

    function = SQLITE_FUNCTION
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"lower(translate(normalize(COALESCE(%(expressions)s, ''), NFKC), "
                f"'{_KANA_FROM}', '{_KANA_TO}'))"
            ),
            **extra_context,
        )


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """Makes SearchKey's function known to a new SQLite connection (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, lambda text: search_key(text or ""), deterministic=True
        )


def split_terms(text: str) -> list[str]:
    """A list of words typed in one field: 「サロン、居場所, つどいの場」→ ["サロン", "居場所",
    "つどいの場"] (a synonym group, a person's list of words)."""
    return [t.strip() for t in _TERM_SPLIT.split(text or "") if t.strip()]


def to_katakana_reading(text: str) -> str:
    """A reading typed by a person (hiragana or katakana, any width) as full-width katakana."""
    return jaconv.hira2kata(nfkc(text)).replace(" ", "")


def kanji_number(text: str) -> int | None:
    """Reads a small kanji numeral such as 四 or 十二 (as in 四丁目); None if it is not one."""
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        tens_value = KANJI_DIGITS.get(tens) if tens else 1
        ones_value = KANJI_DIGITS.get(ones) if ones else 0
        if tens_value is None or ones_value is None:
            return None
        return tens_value * 10 + ones_value
    if all(ch in KANJI_DIGITS for ch in text):
        value = 0
        for ch in text:
            value = value * 10 + KANJI_DIGITS[ch]
        return value
    return None


KANJI_NUMERALS = "〇一二三四五六七八九"


def kanji_numeral(value: int) -> str:
    """Writes 1..99 as a kanji numeral, as in 四丁目 or 十二丁目."""
    if value < 10:
        return KANJI_NUMERALS[value]
    tens, ones = divmod(value, 10)
    return (
        ("" if tens == 1 else KANJI_NUMERALS[tens]) + "十" + (KANJI_NUMERALS[ones] if ones else "")
    )


# Primary keys are 64-bit on both backends; ids are read within the positive 63-bit range
# (sasaeai.api.pagination.Id for the API, parse_id for URLs and forms).
MAX_ID = 2**63 - 1


def parse_id(value: object) -> int | None:
    """An object id typed in a URL or form ("12", "１２"), or None: only decimal digits, within
    the 64-bit range the databases store (a thirty-digit number or "¹" is None, never an error)."""
    text = nfkc(str(value or "")).strip()
    if not text.isdecimal() or not text.isascii():
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None
