"""等保 level-3 login baseline: argon2, password rules, lockout, idle timeout, TOTP, history."""

import pytest
from django.contrib.auth.hashers import identify_hasher
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from certguard.core.errors import AppError
from certguard.orgs.models import LoginEvent, User
from certguard.orgs.services import user_create
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _no_totp_backoff(settings):
    # django-otp delays retries after a wrong code; tests type the right code at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _login(client, username, password):
    return client.post("/account/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = user_create(username="zhangsan", password="Qx7#mTr9!vLp2z")
    assert identify_hasher(user.password).algorithm == "argon2"


@pytest.mark.parametrize(("password", "why"), [
    ("Ab1#", "至少"),  # too short
    ("abcdefgh1", "至少3类"),  # two classes
    ("ALLUPPERCASE", "至少3类"),
])
def test_weak_passwords_are_refused_in_chinese(db, password, why):
    with pytest.raises(AppError) as failure:
        user_create(username="lisi", password=password)
    assert failure.value.code == "password_weak"
    assert why in failure.value.message
    assert not User.objects.filter(username="lisi").exists()


def test_duplicate_username_is_refused(cast):
    with pytest.raises(AppError) as failure:
        user_create(username="user_x", password="Qx7#mTr9!vLp2z")
    assert failure.value.code == "username_taken"
    assert "user_x" in failure.value.message


def test_five_failures_lock_the_account(cast, client):
    for _ in range(4):
        assert "用户名或密码错误" in _login(client, "user_x", "wrong").content.decode()
    fifth = _login(client, "user_x", "wrong")
    assert fifth.status_code == 429 and "已被锁定30分钟" in fifth.content.decode()
    locked = _login(client, "user_x", PASSWORD)
    assert locked.status_code == 429  # locked at this address (and slowed down by name)
    assert "_auth_user_id" not in client.session
    # another account is not affected
    assert _login(client, "user_y", PASSWORD).status_code == 302


def test_successful_and_failed_logins_are_in_the_users_history(cast, client):
    _login(client, "user_x", "wrong")
    assert _login(client, "user_x", PASSWORD).status_code == 302
    events = list(LoginEvent.objects.filter(user=cast.user_x).order_by("at"))
    assert [e.success for e in events] == [False, True]
    page = client.get("/account/").content.decode()
    assert "登录记录" in page and "用户名或密码错误" in page and "成功" in page


def test_session_expires_when_idle(cast, client, settings):
    _login(client, "user_x", PASSWORD)
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    client.session.set_expiry(-1)  # what 30 idle minutes do
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get("/home/").status_code == 302


def test_administrator_must_set_up_totp(cast, client):
    assert _login(client, "admin", PASSWORD).status_code == 302
    response = client.get("/home/")
    assert response.status_code == 302 and response["Location"].startswith("/account/otp/setup/")
    setup = client.get("/account/otp/setup/")
    assert "验证器" in setup.content.decode()
    device = TOTPDevice.objects.get(user=cast.admin, confirmed=False)
    wrong = client.post("/account/otp/setup/", {"token": "000000"})
    assert "动态口令错误" in wrong.content.decode()
    client.post("/account/otp/setup/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/home/").status_code == 200


def test_staff_with_totp_must_enter_it_and_wrong_code_is_refused(cast, client):
    device = TOTPDevice.objects.create(user=cast.inspector_a, name="t", confirmed=True)
    _login(client, "inspector_a", PASSWORD)
    assert client.get("/home/")["Location"].startswith("/account/otp/verify/")
    wrong = client.post("/account/otp/verify/", {"token": "123456"})
    assert "动态口令错误" in wrong.content.decode()
    assert client.get("/home/").status_code == 302
    client.post("/account/otp/verify/", {"token": f"{totp(device.bin_key):06d}"})
    assert client.get("/home/").status_code == 200


def test_staff_without_totp_are_not_forced(cast, client):
    _login(client, "inspector_a", PASSWORD)
    assert client.get("/home/").status_code == 200


def test_unverified_admin_session_cannot_use_the_api(cast, client):
    _login(client, "admin", PASSWORD)
    response = client.get("/api/v1/organisations")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
