"""API operations of the resources app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["社会資源"])
