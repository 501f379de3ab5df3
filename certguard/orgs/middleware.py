from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

SESSION_KEY = "acting_membership_id"


class ActingMembershipMiddleware:
    """A user acts for one organisation at a time; the choice lives in the session."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user._acting_membership_id = request.session.get(SESSION_KEY)
        return self.get_response(request)


def needs_second_factor(user) -> str:
    """'' when the user may go on; 'verify' or 'setup' when a TOTP step is due."""
    # Users authenticated outside OTPMiddleware (API tokens) carry no is_verified().
    if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
        return ""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from certguard.orgs.otp import second_factor_required

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    if second_factor_required(user=user):
        return "setup"
    return ""


class RequireSecondFactorMiddleware:
    """Staff with TOTP enabled must enter it; privileged roles (the three administrators and
    issuing officers) must have it at all."""

    EXEMPT_PREFIXES = ("/account/otp/", "/account/logout/", "/static/", "/api/")

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.EXEMPT_PREFIXES):
            step = needs_second_factor(request.user)
            if step:
                return redirect(reverse(f"orgs:otp_{step}") + f"?next={request.path}")
        return self.get_response(request)
