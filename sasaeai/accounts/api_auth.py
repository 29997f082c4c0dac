"""API authentication: the browser session (with CSRF) or a personal Bearer token."""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from sasaeai.accounts.password_change_middleware import MESSAGE, must_change_password
from sasaeai.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = token_authenticate(token)
        if user is None:
            return None
        if must_change_password(user):
            raise HttpError(403, MESSAGE)
        request.user = user
        return user


class ActiveSession(SessionAuth):
    def authenticate(self, request: HttpRequest, key):
        user = super().authenticate(request, key)
        if user is not None and not user.is_active:
            return None
        return user


api_auth = [BearerToken(), ActiveSession(csrf=True)]
