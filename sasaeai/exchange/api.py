"""API operations of the exchange app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["データ取込・出力"])
