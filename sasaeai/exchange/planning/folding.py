"""The folded keys names, addresses and phone numbers are compared by (width, kana, case and
spaces folded; the city's own name left out of an address)."""

import re
from functools import lru_cache

from sasaeai.core.text import nfkc, search_key
from sasaeai.org.models import Municipality


def fold(value: str) -> str:
    """Names and addresses compared: width, kana, case and spaces folded."""
    return _fold(value or "")


@lru_cache(maxsize=65536)
def _fold(value: str) -> str:
    # Pure and called for every name, address and list item of every row and every existing
    # resource: cached (a 10,000-row import folds the same towns and words again and again).
    return re.sub(r"\s+", "", search_key(value))


_GENERIC = re.compile(
    r"サロン|の会|会|教室|クラブ|倶楽部|ひろば|広場|カフェ|食堂|[()（）「」『』・\-ー〜~]"
)


def core_name(name: str) -> str:
    """The distinctive part of a name (ふれあいサロン桜堤 → フレアイ桜堤) for "similar name"."""
    core = _GENERIC.sub("", fold(name))
    return core or fold(name)


def phone_digits(value: str) -> str:
    return re.sub(r"\D", "", nfkc(value or ""))


def address_fold(value: str, municipality: Municipality) -> str:
    return _address_fold(value or "", municipality.prefecture, municipality.name)


@lru_cache(maxsize=65536)
def _address_fold(value: str, prefecture: str, city: str) -> str:
    text = fold(nfkc(value))
    for prefix in (fold(prefecture), fold(city)):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = re.sub(r"丁目|番地?|号", "-", text)
    return re.sub(r"-+", "-", text).strip("-")
