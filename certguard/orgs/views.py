from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from certguard.core.audit import audit_record
from certguard.core.errors import AppError
from certguard.core.filters import page_filters
from certguard.core.middleware import client_ip
from certguard.core.policy import allows, requires
from certguard.core.ratelimit import RateLimited
from certguard.core.scoping import actor_of
from certguard.orgs import otp, selectors, services, throttle
from certguard.orgs.filters import OrganisationFilterSet
from certguard.orgs.forms import (
    LoginForm,
    OrganisationForm,
    ResetCodeForm,
    SecondFactorForm,
    TokenForm,
)
from certguard.orgs.middleware import SESSION_KEY
from certguard.orgs.reference import ORG_KINDS, SECTORS


class LoginView(auth_views.LoginView):
    template_name = "orgs/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = str(request.POST.get("username", ""))[:150]
        try:
            throttle.login_throttle(request=request, username=username, ip=client_ip(request))
        except RateLimited as exc:
            audit_record(action="login_failed", object_type="orgs.user",
                         summary=f"{username} 登录被暂缓（尝试过于频繁）"[:300],
                         data={"throttled": True, "retry_after": exc.retry_after})
            # an unbound form: rendering a bound one would check the password after all
            form = self.authentication_form(request, initial={"username": username})
            response = self.render_to_response(self.get_context_data(
                form=form, throttle_error=exc.message))
            response.status_code = 429
            response["Retry-After"] = str(exc.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        response.set_cookie(throttle.DEVICE_COOKIE,
                            throttle.device_cookie_value(form.get_user().get_username()),
                            max_age=throttle.DEVICE_DAYS * 86_400, httponly=True,
                            secure=settings.SESSION_COOKIE_SECURE, samesite="Lax")
        return response


def _next_url(request, default: str = "orgs:home") -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@requires("public.verify")
def front(request):
    """Signed-in users go to their home; everyone else to the public verification page."""
    return redirect("orgs:home" if request.user.is_authenticated else "registry:verify")


@requires("account.use")
def otp_verify(request):
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.totp_verify(request=request, user=request.user, token=form.cleaned_data["token"])
        except AppError as exc:
            form.add_error("token", exc.message)
        else:
            return redirect(_next_url(request))
    return render(request, "orgs/otp_verify.html", {"form": form})


@requires("account.use")
def otp_setup(request):
    if otp.enrolment_blocked(request=request, user=request.user):
        # A session that has not passed the current second factor cannot replace it: only
        # a reset approved by the security administrator opens enrolment.
        reset_form = ResetCodeForm(request.POST or None)
        if request.method == "POST" and reset_form.is_valid():
            try:
                otp.second_factor_reset_redeem(request=request, user=request.user,
                                               code=reset_form.cleaned_data["reset_code"])
            except AppError as exc:
                reset_form.add_error("reset_code", exc.message)
            else:
                messages.success(request, "重置码正确，请绑定新的验证器")
                return redirect("orgs:otp_setup")
        return render(request, "orgs/otp_reset.html", {"form": reset_form}, status=403)
    device = otp.totp_pending_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = otp.totp_confirm(request=request, user=request.user,
                                     token=form.cleaned_data["token"])
        except AppError as exc:
            form.add_error("token", exc.message)
        else:
            request.session["new_recovery_codes"] = codes
            messages.success(request, "已启用动态口令（TOTP）双因素认证，请保存恢复码")
            return redirect("orgs:account")
    return render(request, "orgs/otp_setup.html", {
        "form": form, "secret": otp.totp_secret_base32(device),
        "qr_svg": otp.totp_qr_svg(device),
        "required": otp.second_factor_required(user=request.user)})


@requires("account.use")
@require_POST
def otp_recovery_codes(request):
    if not otp.totp_enabled(user=request.user):
        messages.error(request, "请先启用动态口令")
    else:
        request.session["new_recovery_codes"] = otp.recovery_codes_generate(user=request.user)
        messages.success(request, "已生成新的恢复码，旧恢复码立即作废。恢复码只显示这一次。")
    return redirect("orgs:account")


@requires("account.use")
def home(request):
    actor = actor_of(request.user)
    role = "admin" if actor.is_admin else actor.role
    context = {"role": role}
    if allows(request.user, "organisations.view"):
        context["sector_counts"] = [
            {"label": SECTORS.get(row["sector"], row["sector"]), **row}
            for row in selectors.enterprise_counts_by_sector(user=request.user)]
    context["organisation"] = selectors.own_organisation(user=request.user)
    if allows(request.user, "audit.view"):
        from certguard.core.models import AuditEntry

        context["audit_pending"] = AuditEntry.objects.filter(seq=None).count()
        context["audit_total"] = AuditEntry.objects.count()
    return render(request, "orgs/home.html", context)


@requires("account.use")
@require_POST
def switch_membership(request):
    try:
        membership = services.membership_switch(user=request.user,
                                                membership_id=int(request.POST["membership"]))
    except (AppError, KeyError, ValueError):
        messages.error(request, "无法切换到该单位")
    else:
        request.session[SESSION_KEY] = membership.pk
        messages.success(request, f"已切换为：{membership.organisation}"
                                  f"（{membership.get_role_display()}）")
    return redirect("orgs:home")


@requires("organisations.view")
def organisations(request):
    orgs, filter_error = page_filters(OrganisationFilterSet, request=request,
                                      queryset=selectors.organisations_for(user=request.user))
    page = Paginator(orgs, 30).get_page(request.GET.get("page"))
    query = {k: request.GET.get(k, "") for k in OrganisationFilterSet.base_filters}
    return render(request, "orgs/organisation_list.html", {
        "page": page, "query": query, "kinds": ORG_KINDS, "sectors": SECTORS,
        "filter_error": filter_error,
        "can_create": allows(request.user, "organisations.create")})


@requires("organisations.view")
def organisation_detail(request, pk: int):
    org = selectors.organisations_for(user=request.user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return render(request, "orgs/organisation_detail.html", {"org": org})


@requires("organisations.view_own")
def my_organisation(request):
    org = selectors.own_organisation(user=request.user)
    if org is None:
        raise Http404
    return render(request, "orgs/organisation_detail.html", {"org": org})


@requires("organisations.create")
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_create(by=request.user, **form.cleaned_data)
        except AppError as exc:
            for name, problems in exc.fields.items():
                form.add_error(name if name in form.fields else None, problems)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记：{org.name}")
            return redirect("orgs:organisation", pk=org.pk)
    return render(request, "orgs/organisation_form.html", {"form": form})


@requires("members.view")
def members(request):
    rows = selectors.members_for(user=request.user,
                                 organisation_id=actor_of(request.user).organisation_id)
    return render(request, "orgs/members.html", {"members": rows})


@requires("account.use")
def account(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "密码已修改，原有接口令牌已作废")
        return redirect("orgs:account")
    return render(request, "orgs/account.html", {
        "form": form, "history": selectors.login_history(user=request.user),
        "has_totp": otp.totp_enabled(user=request.user),
        "recovery_left": otp.recovery_codes_left(user=request.user),
        "recovery_codes": request.session.pop("new_recovery_codes", None),
        "tokens": otp.api_tokens(user=request.user),
        "password_help": password_validators_help_texts(),
        "can_token": allows(request.user, "account.api_token"),
        "token": request.session.pop("new_api_token", None)})


@requires("account.use")
@require_POST
def api_tokens_revoke(request):
    if otp.api_tokens_revoke(user=request.user, reason="本人作废"):
        messages.success(request, "接口令牌已作废")
    return redirect("orgs:account")


@requires("account.api_token")
@require_POST
def api_token_rotate(request):
    request.session["new_api_token"] = otp.api_token_rotate(user=request.user)
    messages.success(request, "已生成新的接口令牌，旧令牌立即失效。令牌只显示这一次。")
    return redirect("orgs:account")
