"""API operations of the councils app (mounted under /api/v1/ by sasaeai.api)."""

from ninja import Router

router = Router(tags=["地域課題・協議体"])
