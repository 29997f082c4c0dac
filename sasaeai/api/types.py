"""Input types every API operation shares for what it reads from a request: dates held to the
range people may enter, and a schema base that refuses an explicit `null` for a field whose
column cannot be empty (a text, a required date), so that a PATCH with `"summary": null` is a
422 in Japanese instead of a database error. Pagination, id and time types are in
`pagination.py`."""

from __future__ import annotations

import datetime as dt
import types
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

from django.core.exceptions import FieldDoesNotExist
from ninja import Schema
from pydantic import AfterValidator, ValidationInfo, field_validator

from sasaeai.core.datebounds import DATE_MAX, DATE_MIN, OUT_OF_RANGE

NULL_REFUSED = 'null は指定できません。空にするには空の文字列（""）を送るか、項目を省いてください。'


def _in_range(value: dt.date) -> dt.date:
    if not DATE_MIN <= value <= DATE_MAX:
        raise ValueError(OUT_OF_RANGE)
    return value


Date = Annotated[dt.date, AfterValidator(_in_range)]
"""A date in a query, path or body: 1900-01-01 … 2200-12-31 (others answer 422)."""


def _base_types(annotation: Any) -> list[Any]:
    """The types an annotation allows, with None, Annotated and unions unwrapped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _base_types(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _base_types(arg)]
    return [annotation]


class WriteSchema(Schema):
    """Base of the input schemas that write a model's fields (`writes`). Optional fields are
    declared `X | None = None` so that they may be left out; an explicit null is accepted only
    where the model's column may hold NULL (clearing a resource, a time, a follow-up date).
    Without `writes`, null is refused for text fields."""

    writes: ClassVar[type | None] = None

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name and not cls._may_be_null(info.field_name):
            raise ValueError(NULL_REFUSED)
        return value

    @classmethod
    def _may_be_null(cls, name: str) -> bool:
        allowed = _base_types(cls.model_fields[name].annotation)
        if cls.writes is not None:
            meta = cls.writes._meta
            for candidate in (name, name.removesuffix("_id"), name.removesuffix("_ids")):
                try:
                    column = meta.get_field(candidate)
                except FieldDoesNotExist:
                    continue
                if column.many_to_many:
                    return False
                return bool(column.null)
        return str not in allowed and list not in [get_origin(t) or t for t in allowed]
