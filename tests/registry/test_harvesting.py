"""Holders' names cannot be harvested (issue 10, item 3): each harvesting method of the issue,
repeated, and stopped.

1. an anonymous API client rotating X-Forwarded-For (400 of 400 passed);
2. the same on the public web page;
3. the same on the anonymous fast path in front of Django;
4. recovering a name from an ID number alone by guessing names (6,420 guesses);
5. any API token: batches of 1,000 at 600,000 a minute;
6. the public role minting an API token at /account/token/;
7. ``name_mismatch`` telling staff that an ID number is registered;
8. (the self-check roster of guessed IDs: tests/selfcheck/test_harvest.py);
9. limits kept in per-process memory (120 of 300 passed with 2 workers).
"""

import io
import json

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from certguard.core.models import RateCounter
from certguard.core.ratelimit import forget_leases
from certguard.registry.fastpath import answer
from tests.registry.conftest import ID_NO

pytestmark = pytest.mark.django_db

CANDIDATE_NAMES = [f"{family}{given}" for family in "王李张刘陈杨赵黄周吴"
                   for given in ("建国", "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋")]


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.TRUSTED_PROXIES = []
    settings.VERIFY_RATE_ANONYMOUS_API = 60
    settings.VERIFY_RATE_PUBLIC = 30


def _next_minute() -> None:
    """What a minute later looks like: the minute counters start again (a new window),
    and no process holds units of the old one."""
    RateCounter.objects.filter(bucket__contains=":60:").delete()
    forget_leases()


def _forged(i: int) -> str:
    return f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"


def test_1_rotating_x_forwarded_for_does_not_reset_the_api_limit(cert):
    client = APIClient()
    codes = [client.post("/api/v1/verify", {"id_no": ID_NO, "name": "李建国"}, format="json",
                         HTTP_X_FORWARDED_FOR=_forged(i)).status_code for i in range(100)]
    assert codes.count(200) == 60 and codes.count(429) == 40


def test_2_rotating_x_forwarded_for_does_not_reset_the_page_limit(cert, client):
    codes = [client.post("/verify/", {"key_type": "id_no", "key": ID_NO, "name": "李建国"},
                         HTTP_X_FORWARDED_FOR=_forged(i)).status_code for i in range(40)]
    assert codes.count(200) == 30 and codes.count(429) == 10


def _fast(body: dict, forwarded: str) -> int:
    data = json.dumps(body).encode()
    status, _, _ = answer({"REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/verify",
                           "CONTENT_TYPE": "application/json",
                           "CONTENT_LENGTH": str(len(data)), "wsgi.input": io.BytesIO(data),
                           "REMOTE_ADDR": "198.51.100.4", "HTTP_HOST": "127.0.0.1",
                           "HTTP_X_FORWARDED_FOR": forwarded})
    return status


def test_3_rotating_x_forwarded_for_does_not_reset_the_fast_path_limit(cert):
    codes = [_fast({"id_no": ID_NO, "name": "李建国"}, _forged(i)) for i in range(80)]
    assert codes.count(200) == 60 and codes.count(429) == 20


def test_4_a_name_is_not_recovered_from_an_id_number_by_guessing(cert, settings):
    """The issue's attacker needed 6,420 guesses; one address now gets its daily quota
    (150 here, 1,000 by default) whatever the headers and however the minutes pass."""
    settings.VERIFY_DAILY_ADDRESS = 150
    guesses = [f"{CANDIDATE_NAMES[i % 100]}{chr(0x4E00 + i)}" for i in range(399)] + ["李建国"]
    client = APIClient()
    answered, found = 0, []
    for start in range(0, len(guesses), 50):  # 50 a "minute": under the per-minute limit
        for name in guesses[start:start + 50]:
            response = client.post("/api/v1/verify", {"id_no": ID_NO, "name": name},
                                   format="json", HTTP_X_FORWARDED_FOR=_forged(start))
            if response.status_code == 200:
                answered += 1
                if response.json()["result"] == "found":
                    found.append(name)
            else:
                assert "今日查询次数已达上限" in response.json()["error"]["message"]
        _next_minute()
    assert answered == 150 and found == []


def test_5_an_api_token_cannot_harvest_in_batches(cert, cast, settings):
    settings.VERIFY_RATE_TOKEN = 2_000
    settings.VERIFY_DAILY_ROLE = {**settings.VERIFY_DAILY_ROLE, "enterprise_user": 2_500}
    token = Token.objects.create(user=cast.user_x)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    batch = {"items": [{"id_no": ID_NO, "name": name} for name in CANDIDATE_NAMES] * 10}
    codes = [client.post("/api/v1/verify/batch", batch, format="json").status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]  # 2,000 a minute per token
    _next_minute()
    later = client.post("/api/v1/verify/batch", batch, format="json")
    assert later.status_code == 429 and "今日查询次数已达上限" in later.json()["error"]["message"]


def test_6_a_public_account_cannot_mint_an_api_token(cast, client):
    from certguard.orgs.services import user_create

    public = user_create(username="someone", password="Zq7#wLm2!pRt")
    client.force_login(public)
    response = client.post("/account/token/")
    assert response.status_code == 403
    assert not Token.objects.filter(user=public).exists()


def test_7_staff_do_not_learn_that_an_id_number_is_registered(cert, cast):
    from certguard.registry.batch import verify_many
    from certguard.registry.verification import VerifyQuery

    for user in (cast.user_x, cast.inspector_a, cast.police, cast.inspector_city):
        staff = APIClient()
        staff.force_authenticate(user)
        single = staff.post("/api/v1/verify", {"id_no": ID_NO, "name": "某某"}, format="json")
        assert single.json()["result"] == "not_found"
        assert "李建国" not in single.content.decode()
        many = verify_many(queries=[VerifyQuery(name="某某", id_no=ID_NO)], user=user,
                           detail=False)
        assert many[0]["result"] == "not_found"
        detailed = verify_many(queries=[VerifyQuery(name="某某", id_no=ID_NO)], user=user)
        assert detailed[0]["result"] == "not_found" and detailed[0]["holder"] is None


def test_9_limits_hold_across_worker_processes(cert):
    """Each worker process has its own memory (and cache); the counters are in the database,
    so clearing a process's cache and leases between requests (what a second worker sees)
    changes nothing."""
    client = APIClient()
    codes = []
    for _ in range(120):
        cache.clear()
        forget_leases()
        codes.append(client.post("/api/v1/verify", {"id_no": ID_NO, "name": "李建国"},
                                 format="json").status_code)
    assert codes.count(200) == 60
    assert RateCounter.objects.filter(bucket__startswith="verify-address:127.0.0.1:60:",
                                      count=120).exists()
