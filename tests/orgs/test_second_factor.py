"""Two factors that hold (issue 10, item 1).

The finding: a password-only administrator session opened /account/otp/setup/, posted a code
from a fresh secret, and replaced the administrator's authenticator. Now enrolling or
replacing a second factor needs a session that passed the current one, or a reset the
security administrator approved with a one-time code; every privileged role must use it;
recovery codes are hashed and work once."""

import re

import pytest
from django.contrib import admin
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from certguard.core.audit_spool import audit_ingest
from certguard.core.errors import AppError, Forbidden
from certguard.core.models import AuditEntry
from certguard.orgs import otp
from certguard.orgs.models import RecoveryCode, SecondFactorReset
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_totp_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _login(client, username):
    response = client.post("/account/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _code(device) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.fixture
def admin_device(cast):
    return TOTPDevice.objects.create(user=cast.admin, name="真实验证器", confirmed=True)


def test_a_password_only_session_cannot_replace_the_administrators_authenticator(
        cast, client, admin_device):
    _login(client, "admin")
    setup = client.get("/account/otp/setup/")
    assert setup.status_code == 403
    page = setup.content.decode()
    assert "重置码" in page and "data-testid=\"totp-secret\"" not in page
    # the attacker's fresh secret: a pending device posted with its own code
    attacker = TOTPDevice.objects.create(user=cast.admin, name="attacker", confirmed=False)
    response = client.post("/account/otp/setup/", {"token": _code(attacker)})
    assert response.status_code == 403
    assert list(TOTPDevice.objects.filter(user=cast.admin, confirmed=True)) == [admin_device]
    for path in ("/audit/", "/django-admin/", "/home/"):
        assert client.get(path)["Location"].startswith("/account/otp/verify/")
    # the service refuses too, and the refusal is on record
    request = client.get("/account/otp/verify/").wsgi_request
    with pytest.raises(Forbidden) as refused:
        otp.totp_confirm(request=request, user=cast.admin, token=_code(attacker))
    assert refused.value.code == "otp_verify_first"
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(summary__contains="更换动态口令被拒绝").exists()


def test_a_verified_session_replaces_the_authenticator_and_gets_recovery_codes(
        cast, client, admin_device):
    _login(client, "admin")
    client.post("/account/otp/verify/", {"token": _code(admin_device)})
    assert client.get("/home/").status_code == 200
    assert client.get("/account/otp/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    response = client.post("/account/otp/setup/", {"token": _code(new)})
    assert response.status_code == 302
    assert list(TOTPDevice.objects.filter(user=cast.admin, confirmed=True)) == [new]
    page = client.get("/account/").content.decode()
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10
    assert "剩余 10 个" in page
    stored = " ".join(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    assert "<li><code>" not in client.get("/account/").content.decode()  # shown once
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(summary="更换动态口令验证器", actor="admin").exists()


@pytest.mark.parametrize("who", ["admin", "security_officer", "auditor", "issuer"])
def test_every_privileged_role_must_set_up_a_second_factor(cast, client, who):
    user = getattr(cast, who)
    _login(client, user.username)
    assert client.get("/home/")["Location"].startswith("/account/otp/setup/")
    assert client.get("/api/v1/organisations").status_code in (401, 403)


def test_other_staff_are_not_forced(cast, client):
    _login(client, "inspector_a")
    assert client.get("/home/").status_code == 200


def test_a_recovery_code_works_once(cast, client, admin_device):
    codes = otp.recovery_codes_generate(user=cast.admin)
    _login(client, "admin")
    response = client.post("/account/otp/verify/", {"token": codes[3].upper()})
    assert response.status_code == 302
    assert client.get("/home/").status_code == 200
    assert otp.recovery_codes_left(user=cast.admin) == 9
    client.post("/account/logout/")
    _login(client, "admin")
    again = client.post("/account/otp/verify/", {"token": codes[3]})
    assert "错误" in again.content.decode()
    assert client.get("/home/")["Location"].startswith("/account/otp/verify/")
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(summary__startswith="使用恢复码通过双因素认证").count() == 1


def test_recovery_codes_cannot_be_regenerated_without_the_second_factor(cast, client,
                                                                       admin_device):
    otp.recovery_codes_generate(user=cast.admin)
    before = set(RecoveryCode.objects.values_list("code_hash", flat=True))
    _login(client, "admin")
    response = client.post("/account/recovery-codes/")
    assert response["Location"].startswith("/account/otp/verify/")
    assert set(RecoveryCode.objects.values_list("code_hash", flat=True)) == before


def test_a_lost_authenticator_is_reset_with_the_security_administrators_one_time_code(
        cast, client, verified_client, admin_device):
    officer = verified_client(cast.security_officer)
    response = officer.post("/django-admin/orgs/user/", {
        "action": "reset_second_factor", "_selected_action": [cast.admin.pk]}, follow=True)
    message = next(str(m) for m in response.context["messages"] if "重置码" in str(m))
    code = re.search(r"重置码：([a-z0-9-]+)", message).group(1)
    assert code not in SecondFactorReset.objects.get().code_hash
    officer.logout()

    _login(client, "admin")
    wrong = client.post("/account/otp/setup/", {"reset_code": "aaaa-bbbb-cccc"})
    assert "重置码错误" in wrong.content.decode()
    assert client.post("/account/otp/setup/", {"reset_code": code}).status_code == 302
    assert client.get("/account/otp/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    assert client.post("/account/otp/setup/", {"token": _code(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=cast.admin, confirmed=True)) == [new]
    assert client.get("/home/").status_code == 200

    # the code is spent: a second password-only session cannot use it again
    client.post("/account/logout/")
    _login(client, "admin")
    reuse = client.post("/account/otp/setup/", {"reset_code": code})
    assert reuse.status_code == 403 and "重置码错误" in reuse.content.decode()
    audit_ingest(force=True)
    summaries = set(AuditEntry.objects.values_list("summary", flat=True))
    assert "批准重置 admin 的双因素认证" in summaries
    assert "使用安全管理员批准的重置码，开始重新绑定验证器" in summaries


def test_only_another_security_administrator_approves_a_reset(cast):
    with pytest.raises(AppError):
        otp.second_factor_reset_approve(by=cast.admin, user=cast.issuer)
    with pytest.raises(Forbidden):
        otp.second_factor_reset_approve(by=cast.security_officer, user=cast.security_officer)
    assert not SecondFactorReset.objects.exists()


def test_authenticators_cannot_be_added_or_removed_in_the_admin(rf, cast):
    model_admin = admin.site._registry[TOTPDevice]
    request = rf.post("/")
    request.user = cast.security_officer
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
