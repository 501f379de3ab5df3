"""Passwords and tokens (issue 10, item 5): weak passwords refused, API tokens expire and end at
logout and password change and are listed for revocation, guessing slowed without a lock
anyone can set off by typing a name, and one password across many accounts limited."""

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from certguard.core.audit_spool import audit_ingest
from certguard.core.errors import AppError
from certguard.core.models import AuditEntry
from certguard.orgs.models import LoginEvent, User
from certguard.orgs.passwords import keyboard_walk
from certguard.orgs.services import user_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The issue's seven, and five more of its kind (27 were tried, 12 accepted).
ISSUE_PASSWORDS = ["Admin@123", "Huawei@123", "Root@123", "Passw0rd!", "Aa111111", "Qwer!234",
                   "Certguard#2024", "1qaz@WSX3edc", "Abc@123456", "P@ssw0rd2024",
                   "Hikvision888!", "Sangfor@2024"]
# The same made long enough, so that the length rule alone does not refuse them.
PADDED = ["Admin@123456", "Huawei@12389", "Root@1986!x", "Passw0rd!!!", "Aa11111111",
          "Qwer!23456", "Certguard#2024", "Zaq1@wsx!!", "Welcome@2024", "Sxjs@Huawei9"]
STRONG = ["Qx7#mTr9!vLp2z", "Zq7#wLm2!pRt", "Tm8$kWq3#zLx"]


@pytest.mark.parametrize("password", ISSUE_PASSWORDS + PADDED)
def test_the_issues_weak_passwords_are_refused_in_chinese(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, User(username="zhangsan"))
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in refused.value.messages)


@pytest.mark.parametrize("password", STRONG)
def test_strong_passwords_pass(password):
    validate_password(password, User(username="zhangsan"))


def test_minimum_length_is_ten():
    with pytest.raises(ValidationError) as refused:
        validate_password("Qx7#mTr9!", User(username="u"))
    assert "至少需要10个字符" in refused.value.messages[0]


def test_a_password_built_from_the_username_or_the_organisation_is_refused(cast):
    with pytest.raises(AppError) as refused:
        user_create(username="wangjianguo", password="Wangjianguo#97!")
    assert refused.value.code == "password_weak"
    cast.issuing_authority.issuer_code = "140000-YJ"
    with pytest.raises(AppError) as by_org:
        user_create(username="officer9", password="140000-YJ#Qx7m!",
                    organisation=cast.issuing_authority, role="issuing_officer")
    assert "单位名称" in by_org.value.message
    # and at a password change, against the organisations the account acts for
    with pytest.raises(ValidationError):
        validate_password("Zx9!140000-yjQ", cast.issuer)
    # Chinese names as they are typed: 沁水县X煤业有限公司 → qinshui; 张建国 → zhangjianguo
    with pytest.raises(ValidationError):
        validate_password("Qinshui#Mx97z!", cast.user_x)
    with pytest.raises(ValidationError):
        validate_password("9!ZhangJianguo%", User(username="zjg9", display_name="张建国"))
    validate_password("Qx7#mTr9!vLp2z", cast.user_x)


def test_keyboard_walks_are_recognised_with_shifted_keys():
    assert keyboard_walk("1qaz@WSX") == "1qaz"
    assert keyboard_walk("Zxcv!9q") == "zxcv"
    assert keyboard_walk("x!@#$y") == "1234"
    assert keyboard_walk("Qx7#mTr9!vLp2z") == ""


# --- API tokens -------------------------------------------------------------------------------

def _api(token) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client.get("/api/v1/organisations").status_code


def test_tokens_expire(cast, settings):
    token = Token.objects.create(user=cast.inspector_a)
    assert _api(token) == 200
    Token.objects.filter(pk=token.pk).update(created=timezone.now()
                                             - timedelta(days=settings.API_TOKEN_DAYS, seconds=1))
    assert _api(token) == 401


def test_tokens_end_at_logout(cast, client):
    client.post("/account/login/", {"username": "inspector_a", "password": PASSWORD})
    client.post("/account/token/")
    token = Token.objects.get(user=cast.inspector_a)
    assert _api(token) == 200
    client.post("/account/logout/")
    assert not Token.objects.filter(user=cast.inspector_a).exists()
    assert _api(token) == 401


def test_tokens_end_at_a_password_change(cast, client):
    client.post("/account/login/", {"username": "inspector_a", "password": PASSWORD})
    client.post("/account/token/")
    token = Token.objects.get(user=cast.inspector_a)
    response = client.post("/account/", {"old_password": PASSWORD,
                                         "new_password1": STRONG[0],
                                         "new_password2": STRONG[0]})
    assert response.status_code == 302
    assert _api(token) == 401
    audit_ingest(force=True)
    assert AuditEntry.objects.filter(summary="接口令牌作废（修改密码）").exists()


def test_tokens_are_listed_and_revoked_by_their_owner(cast, client):
    client.post("/account/login/", {"username": "inspector_a", "password": PASSWORD})
    client.post("/account/token/")
    token = Token.objects.get(user=cast.inspector_a)
    page = client.get("/account/").content.decode()
    listing = page.split('data-testid="api-tokens"')[1]
    assert f"…{token.key[-4:]}" in listing and token.key not in listing
    assert "有效期至" in listing
    client.post("/account/token/revoke/")
    assert _api(token) == 401
    assert "暂无接口令牌" in client.get("/account/").content.decode()


def test_a_token_of_an_account_that_may_not_hold_one_is_refused(cast):
    public = user_create(username="someone", password=STRONG[1])
    token = Token.objects.create(user=public)  # made before the rule, or by a role change
    assert _api(token) == 401


# --- guessing -----------------------------------------------------------------------------------

def _login(client, username, password, ip="198.51.100.1"):
    return client.post("/account/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def _age_failures(seconds: int) -> None:
    LoginEvent.objects.update(at=timezone.now() - timedelta(seconds=seconds))


def test_nobody_locks_the_administrator_out_by_typing_the_name(cast, client, settings):
    from django.test import Client

    settings.LOGIN_RATE_ADDRESS = 1000
    owner = Client()  # the administrator's own browser, signed in with before
    assert _login(owner, "admin", PASSWORD, ip="198.51.100.50").status_code == 302
    owner.post("/account/logout/")
    for i in range(12):  # an attacker from several addresses
        _login(client, "admin", "wrong", ip=f"203.0.113.{i % 3 + 1}")
        _age_failures(120)  # each try after the delay of the one before
    # the attacker is slowed down by name: a try right after a failure must wait
    _login(client, "admin", "wrong", ip="203.0.113.9")
    slowed = _login(client, "admin", PASSWORD, ip="203.0.113.9")
    assert slowed.status_code == 429 and "秒后再试" in slowed.content.decode()
    assert "_auth_user_id" not in client.session
    # the administrator, from the browser they signed in with before, gets in at once
    assert _login(owner, "admin", PASSWORD, ip="198.51.100.50").status_code == 302
    # and from a new browser after at most LOGIN_DELAY_MAX_SECONDS
    _login(client, "admin", "wrong", ip="203.0.113.10")
    _age_failures(settings.LOGIN_DELAY_MAX_SECONDS)
    assert _login(Client(), "admin", PASSWORD, ip="198.51.100.51").status_code == 302


def test_one_password_across_many_accounts_is_limited_per_address(cast, client, settings):
    settings.LOGIN_RATE_ADDRESS = 10
    usernames = [f"user{i}" for i in range(15)]
    codes = [_login(client, name, "Spring@2024!", ip="203.0.113.77").status_code
             for name in usernames]
    assert codes.count(429) == 5
    refused = _login(client, "user_x", PASSWORD, ip="203.0.113.77")
    assert refused.status_code == 429 and "该地址登录失败次数过多" in refused.content.decode()
    audit_ingest(force=True)
    throttled = AuditEntry.objects.filter(action="login_failed", summary__contains="登录被暂缓")
    assert throttled.count() == 6 and {e.ip for e in throttled} == {"203.0.113.77"}
    # another address is not affected
    assert _login(client, "user_x", PASSWORD, ip="203.0.113.78").status_code == 302


def test_the_lock_after_five_failures_holds_only_at_the_attackers_address(cast, client):
    for _ in range(5):
        _login(client, "user_y", "wrong", ip="203.0.113.5")
    assert _login(client, "user_y", PASSWORD, ip="203.0.113.5").status_code == 429
    _age_failures(120)
    assert _login(client, "user_y", PASSWORD, ip="198.51.100.8").status_code == 302


def test_throwaway_passwords_always_pass_the_validators(cast):
    """Demo accounts start with one; a random string alone sometimes lacks a character class
    (a demo build once failed on 'PRRQrJkqyPenbKUMdAmUudaJftbHDWdC'), or holds a keyboard walk."""
    from certguard.orgs.models import User
    from certguard.orgs.services import throwaway_password

    with pytest.raises(ValidationError):
        validate_password("PRRQrJkqyPenbKUMdAmUudaJftbHDWdC", User(username="demo_exam"))
    for _ in range(300):
        validate_password(throwaway_password(), User(username="demo_exam"))
