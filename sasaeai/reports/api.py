"""API operations of the reports app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["報告書"])
