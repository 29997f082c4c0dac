"""API operations of the activities app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["活動記録"])
