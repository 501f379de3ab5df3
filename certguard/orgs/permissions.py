from rest_framework import permissions

from certguard.orgs.middleware import needs_second_factor


class SecondFactorSatisfied(permissions.BasePermission):
    """A browser session must have passed TOTP where it is due (tokens are issued after it)."""

    message = "请先完成动态口令验证"

    def has_permission(self, request, view) -> bool:
        if request.auth is not None or not request.user.is_authenticated:
            return True
        return not needs_second_factor(request.user)
