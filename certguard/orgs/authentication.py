"""API tokens that expire and belong only to accounts allowed to hold one (issue 10)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from certguard.core.policy import allows


def token_expires(token) -> datetime:
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused once older than ``API_TOKEN_DAYS`` or when its account may no
    longer hold tokens (a public or worker account, or a role that was withdrawn)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expires(token) <= timezone.now():
            raise exceptions.AuthenticationFailed("接口令牌已过期，请在“账户安全”页面重新生成")
        if not allows(user, "account.api_token"):
            raise exceptions.AuthenticationFailed("该账户不能使用接口令牌")
        return user, token
