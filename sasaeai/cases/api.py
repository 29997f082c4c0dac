"""API operations of the cases app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["個別ケース"])
