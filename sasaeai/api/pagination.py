"""Pagination and id types for every API operation, bounded so that absurd numbers (a page
past 2**63, an id with thirty digits) are a 422 in Japanese instead of a database error."""

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import PageNumberPagination as _NinjaPageNumberPagination
from pydantic import AfterValidator

from sasaeai.core.text import MAX_ID

# Far beyond any real list (200 per page × 100,000 pages), far below the 64-bit offsets the
# databases accept.
MAX_PAGE = 100_000
MAX_PAGE_SIZE: int = ninja_settings.PAGINATION_MAX_PER_PAGE_SIZE  # NINJA_MAX_PER_PAGE_SIZE

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An object id in a query, path or body: 1 … 2**63-1 (larger numbers answer 422)."""


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("時刻にはタイムゾーンを付けずに入力してください（例: 10:00）。")
    return value


Time = Annotated[dt.time, AfterValidator(_local_time)]
"""A time of day as people write it (10:00): local time, without a time zone (a time with
"Z" or "+09:00" answers 422; SQLite cannot store it and the day's times are all local)."""


class PageNumberPagination(_NinjaPageNumberPagination):
    """ninja's page-number pagination with `page` 1…100000 and `page_size` 1…200."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"ページ番号（1〜{MAX_PAGE}）")
        page_size: int | None = Field(
            None, ge=1, le=MAX_PAGE_SIZE, description=f"1ページの件数（1〜{MAX_PAGE_SIZE}）"
        )
