"""The API's request parser: JSON bodies and query strings as ninja reads them, except that
- a NUL character (U+0000) or a lone surrogate (a JSON escape such as "\\ud800" with no pair)
  anywhere in a string is refused with a 422 naming the field: PostgreSQL cannot store NUL
  and neither database can encode a lone surrogate (the forms refuse NUL too, and a browser
  cannot send a lone surrogate);
- a body nested deeper than sasaeai.core.json_input.MAX_DEPTH levels is refused with a 422.
Both are answered by sasaeai.site.api as invalid requests, in Japanese (errors.py)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import ValidationError
from ninja.parser import Parser

from sasaeai.core.json_input import JsonInputError, json_load, json_strings, refused_character


class RefusedInputError(ValidationError):
    """Raised by the parser; sasaeai.site.api answers it as an invalid request (422)."""


def _refuse(errors: list[dict]) -> None:
    if errors:
        raise RefusedInputError(errors)


def _body_errors(data) -> list[dict]:
    found = []
    for path, text in json_strings(data):
        kind = refused_character(text)
        if kind:
            shown = tuple(str(p).replace("\x00", "\\0") for p in path)
            found.append({"loc": ("body", "payload", *shown), "type": kind, "ctx": {}})
    return found


class RefusingNulParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json_load(request.body)
        except JsonInputError:
            raise RefusedInputError(
                [{"loc": ("body", "payload"), "type": "json_too_deep", "ctx": {}}]
            ) from None
        _refuse(_body_errors(data))
        return data

    def parse_querydict(self, data, list_fields: list[str], request: HttpRequest) -> dict:
        result = super().parse_querydict(data, list_fields, request)
        if data is request.GET or data is request.POST:
            place = "query" if data is request.GET else "form"
            _refuse(
                [
                    {"loc": (place, key), "type": kind, "ctx": {}}
                    for key in data
                    for kind in {refused_character(v) for v in data.getlist(key)} - {None}
                ]
            )
        return result
