"""Secrets handed to a user once and kept only as a digest: personal API tokens
(accounts.ApiToken) and private calendar feed URLs (activities.CalendarFeed).

Both are models on `HashedToken`, which owns the whole life of such a secret: issuing it
(the plain text is returned once and never stored), finding the live row for a presented
secret, noting its use, and revoking it. `tokens_revoke_for_user` revokes every live secret of
every kind a user holds; accounts calls it when a password is reset or a role or area changes,
without knowing which apps keep such secrets.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Self

from django.apps import apps
from django.db import models
from django.utils import timezone

from sasaeai.core.prepared import PreparedQuery

# Longer than any secret we issue; a longer string is not looked up at all.
MAX_SECRET_LENGTH = 200
# last_used_at is written at most once a minute per secret (each API call would otherwise write).
TOUCH_INTERVAL_SECONDS = 60


def token_digest(plain: str) -> str:
    """SHA-256 of the secret: the secrets are 256 random bits, so a fast hash suffices."""
    return hashlib.sha256(plain.encode()).hexdigest()


class HashedToken(models.Model):
    prefix = models.CharField("先頭文字", max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終利用日時", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    # What every secret of the kind starts with (empty: nothing), and how much of it the
    # `prefix` column keeps so that the owner can tell their secrets apart.
    SECRET_PREFIX = ""
    SHOWN_LENGTH = 12
    # The relations loaded with a live row (a user's secrets: the user). A secret that belongs
    # to no user (an organiser's update link) has no `user` field and says so here.
    LOADED_WITH: tuple[str, ...] = ("user",)

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def issue(cls, **fields) -> tuple[Self, str]:
        """Creates a row for a new random secret; returns it with the plain secret."""
        plain = cls.SECRET_PREFIX + secrets.token_urlsafe(32)
        row = cls.objects.create(
            prefix=plain[: cls.SHOWN_LENGTH], digest=token_digest(plain), **fields
        )
        return row, plain

    @classmethod
    def live_for(cls, plain: str | None) -> Self | None:
        """The unrevoked row of a presented secret, or None (also for malformed input)."""
        if not plain or len(plain) > MAX_SECRET_LENGTH or not plain.startswith(cls.SECRET_PREFIX):
            return None
        found = cls._live_query().objects([token_digest(plain)])
        return found[0] if found else None

    @classmethod
    def _live_query(cls) -> PreparedQuery:
        """The lookup of a live row by digest, with LOADED_WITH: compiled once per connection
        (every API request runs it; compiling it cost more than running it)."""
        query = cls.__dict__.get("_live")
        if query is None:

            def build(params: list) -> models.QuerySet:
                found = cls.objects.select_related(*cls.LOADED_WITH).filter(
                    digest=params[0], revoked_at__isnull=True
                )
                return (found if found.ordered else found.order_by("pk"))[:1]  # as .first()

            query = PreparedQuery(build)
            cls._live = query
        return query

    def touch(self) -> None:
        """Notes a use (at most once a minute)."""
        now = timezone.now()
        last = self.last_used_at
        if last is None or (now - last).total_seconds() > TOUCH_INTERVAL_SECONDS:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    def revoke(self) -> bool:
        """Revokes the secret; False if it already was."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])
        return True


def token_kinds() -> list[type[HashedToken]]:
    """Every installed model that keeps a user's hashed secrets (not the secrets that belong to
    no user, such as organisers' update links: a staff member's password change leaves them)."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, HashedToken) and any(f.name == "user" for f in m._meta.fields)
    ]


def tokens_revoke_for_user(user: models.Model) -> list[HashedToken]:
    """Revokes every live secret of every kind the user holds; returns the revoked rows."""
    revoked: list[HashedToken] = []
    for kind in token_kinds():
        for row in kind.objects.filter(user=user, revoked_at__isnull=True):
            if row.revoke():
                revoked.append(row)
    return revoked
