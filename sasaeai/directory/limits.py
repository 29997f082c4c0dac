"""Rate limits of the public directory pages, counted on the log of public uses (PublicUse).

The client is known by a keyed digest of its address (core.client_address, which trusts
X-Forwarded-For only from a configured proxy): the address itself is never stored. Counting the
log in the database holds across worker processes and restarts."""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from sasaeai.core.client_address import client_address

from .models import PublicUse

K = PublicUse.Kind


@dataclass(frozen=True)
class Limit:
    kinds: tuple[str, ...]
    count: int
    window: dt.timedelta


# Wrong, expired or revoked links from one client: then every link is refused to it for a while.
GUESSES = Limit((K.LINK_INVALID,), 10, dt.timedelta(hours=1))
# Uses of one link (opening, confirming, changing) and its writes.
LINK_USES = Limit((K.LINK_VIEW, K.LINK_CONFIRM, K.LINK_CHANGE), 60, dt.timedelta(hours=1))
LINK_WRITES = Limit((K.LINK_CONFIRM, K.LINK_CHANGE, K.LINK_COUNTS), 10, dt.timedelta(days=1))
# Residents' reports from one client.
REPORTS = Limit((K.REPORT_ERROR, K.REPORT_PLACE, K.HONEYPOT), 5, dt.timedelta(hours=1))


def client_key(request: HttpRequest) -> str:
    address = client_address(request) or ""
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def exceeded(limit: Limit, *, client: str | None = None, link_id: int | None = None) -> bool:
    since = timezone.now() - limit.window
    uses = PublicUse.objects.filter(kind__in=limit.kinds, at__gte=since)
    if client is not None:
        uses = uses.filter(client=client)
    if link_id is not None:
        uses = uses.filter(link_id=link_id)
    return uses.count() >= limit.count


def log_use(kind: str, *, client: str, link=None, municipality_id: int | None = None) -> None:
    PublicUse.objects.create(
        kind=kind,
        client=client,
        link=link,
        municipality_id=municipality_id
        if municipality_id is not None
        else (link.service.municipality_id if link is not None else None),
    )
