"""JSON from outside (API bodies, imported HSDS files) read with limits: nesting at most
MAX_DEPTH levels (a deeply nested file is refused with a Japanese message instead of a
RecursionError), and a walk over every key and string with its place, for the checks that
refuse characters no text may hold (NUL, lone surrogates)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

MAX_DEPTH = 64
TOO_DEEP = f"JSONの入れ子が深すぎます（{MAX_DEPTH}段まで）。"
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonInputError(ValueError):
    """JSON that is readable but refused (too deep); the message is Japanese."""


def json_load(text: str | bytes) -> Any:
    """json.loads, with the nesting bounded. Malformed JSON still raises json's own
    JSONDecodeError (a ValueError), as before."""
    try:
        data = json.loads(text)
    except RecursionError as exc:
        raise JsonInputError(TOO_DEEP) from exc
    for _ in json_strings(data):
        pass  # the walk raises on a structure deeper than MAX_DEPTH
    return data


def json_strings(data: Any) -> Iterator[tuple[tuple, str]]:
    """(path, text) of every object key and string value, without recursion; raises
    JsonInputError on nesting deeper than MAX_DEPTH. A key's path ends with the key."""
    stack: list[tuple[Any, tuple, int]] = [(data, (), 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise JsonInputError(TOO_DEEP)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    yield (*path, key), key
                stack.append((item, (*path, key), depth + 1))


def refused_character(text: str) -> str | None:
    """ "nul_character" or "surrogate_character" when the text holds a character no stored
    text may hold (PostgreSQL refuses NUL; neither database can encode a lone surrogate,
    which only a JSON escape such as "\\ud800" can produce), else None."""
    if "\x00" in text:
        return "nul_character"
    if _SURROGATE.search(text):
        return "surrogate_character"
    return None
