from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from certguard.core.errors import AppError
from certguard.core.scoping import actor_of
from certguard.orgs import otp, selectors, services
from certguard.orgs.forms import LoginForm, OrganisationForm, TokenForm
from certguard.orgs.middleware import SESSION_KEY
from certguard.orgs.reference import ORG_KINDS, SECTORS


class LoginView(auth_views.LoginView):
    template_name = "orgs/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next_url(request, default: str = "orgs:home") -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def front(request):
    """Signed-in users go to their home; everyone else to the public verification page."""
    return redirect("orgs:home" if request.user.is_authenticated else "registry:verify")


@login_required
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.totp_verify(request=request, user=request.user, token=form.cleaned_data["token"])
        except AppError as exc:
            form.add_error("token", exc.message)
        else:
            return redirect(_next_url(request))
    return render(request, "orgs/otp_verify.html", {"form": form})


@login_required
def otp_setup(request):
    device = otp.totp_pending_device(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.totp_confirm(request=request, user=request.user,
                             token=form.cleaned_data["token"])
        except AppError as exc:
            form.add_error("token", exc.message)
        else:
            messages.success(request, "已启用动态口令（TOTP）双因素认证")
            return redirect(_next_url(request, "orgs:account"))
    return render(request, "orgs/otp_setup.html", {
        "form": form, "secret": otp.totp_secret_base32(device),
        "qr_svg": otp.totp_qr_svg(device)})


@login_required
def home(request):
    actor = actor_of(request.user)
    role = "admin" if actor.is_admin else actor.role
    context = {"role": role}
    if actor.is_regulator or actor.is_admin:
        context["sector_counts"] = [
            {"label": SECTORS.get(row["sector"], row["sector"]), **row}
            for row in selectors.enterprise_counts_by_sector(user=request.user)]
    if actor.organisation_id:
        context["organisation"] = selectors.organisations_for(user=request.user).filter(
            pk=actor.organisation_id).first()
    if actor.is_admin:
        from certguard.core.models import AuditEntry

        context["audit_pending"] = AuditEntry.objects.filter(seq=None).count()
        context["audit_total"] = AuditEntry.objects.count()
    return render(request, "orgs/home.html", context)


@login_required
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


@login_required
def organisations(request):
    query = {k: request.GET.get(k, "") for k in ("kind", "sector", "region", "q")}
    orgs = selectors.organisations_for(user=request.user, **query)
    page = Paginator(orgs, 30).get_page(request.GET.get("page"))
    actor = actor_of(request.user)
    return render(request, "orgs/organisation_list.html", {
        "page": page, "query": query, "kinds": ORG_KINDS, "sectors": SECTORS,
        "can_create": actor.is_admin or actor.is_regulator})


@login_required
def organisation_detail(request, pk: int):
    org = selectors.organisations_for(user=request.user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return render(request, "orgs/organisation_detail.html", {"org": org})


@login_required
def my_organisation(request):
    actor = actor_of(request.user)
    if actor.organisation_id is None:
        raise Http404
    return organisation_detail(request, actor.organisation_id)


@login_required
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


@login_required
def members(request):
    rows = selectors.members_for(user=request.user,
                                 organisation_id=actor_of(request.user).organisation_id)
    return render(request, "orgs/members.html", {"members": rows})


@login_required
def account(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, "密码已修改")
        return redirect("orgs:account")
    return render(request, "orgs/account.html", {
        "form": form, "history": selectors.login_history(user=request.user),
        "has_totp": otp.totp_enabled(user=request.user),
        "token": request.session.pop("new_api_token", None)})


@login_required
@require_POST
def api_token_rotate(request):
    request.session["new_api_token"] = otp.api_token_rotate(user=request.user)
    messages.success(request, "已生成新的接口令牌，旧令牌立即失效。令牌只显示这一次。")
    return redirect("orgs:account")
