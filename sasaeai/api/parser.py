"""The API's request parser: JSON bodies and query strings as ninja reads them, except that a
NUL character (U+0000) anywhere in a string is refused with a 422 naming the field.
PostgreSQL cannot store NUL in text and fails on it in a query; the forms already refuse it
(Django's ProhibitNullCharactersValidator)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.parser import Parser


class NulCharacterError(ValidationError):
    """Raised by the parser; sasaeai.site.api answers it as an invalid request (422)."""


def _nul_paths(value: Any, path: tuple) -> list[tuple]:
    if isinstance(value, str):
        return [path] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if "\x00" in str(key):
                found.append((*path, str(key).replace("\x00", "\\0")))
            found += _nul_paths(item, (*path, key))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, (*path, i))]
    return []


def _refuse(paths: list[tuple], place: str) -> None:
    if paths:
        raise NulCharacterError(
            [{"loc": (place, *p), "type": "nul_character", "ctx": {}} for p in paths]
        )


class RefusingNulParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        data = json.loads(request.body)
        _refuse(_nul_paths(data, ("payload",)), "body")
        return data

    def parse_querydict(self, data, list_fields: list[str], request: HttpRequest) -> dict:
        result = super().parse_querydict(data, list_fields, request)
        if data is request.GET or data is request.POST:
            place = "query" if data is request.GET else "form"
            _refuse([(k,) for k in data if any("\x00" in v for v in data.getlist(k))], place)
        return result
